// Protocol literals live in constants.ts only: a raw copy elsewhere would drift.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HEADERS, QUERY, ROUTES } from './constants';

const here = dirname(fileURLToPath(import.meta.url));

describe('constants', () => {
  it('no source file outside constants.ts spells a header name, route path or query parameter', () => {
    const literals = [...Object.values(HEADERS), ...Object.values(ROUTES), ...Object.values(QUERY)];
    const offenders = readdirSync(here)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'constants.ts')
      .flatMap((file) => {
        const text = readFileSync(join(here, file), 'utf8');
        return literals.filter((literal) => text.includes(`'${literal}'`)).map((literal) => `${file}: ${literal}`);
      });
    expect(offenders).toEqual([]);
  });
});
