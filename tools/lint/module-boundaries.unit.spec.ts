// The architecture rules are only as real as the lint that enforces them: this lints
// small sources placed in real projects and checks each forbidden import is refused.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

// The first lint builds Nx's project graph: seconds on a busy machine, so a longer timeout.
describe('module boundaries', { timeout: 30_000 }, () => {
  it('lets an app import a lib', async () => {
    expect(await boundaryErrors('apps/gateway/src/probe.ts', "import { eventSubject } from '@freshet/contracts';\nexport const x = eventSubject;\n")).toEqual([]);
  });

  it('refuses an app importing another app', async () => {
    const errors = await boundaryErrors('apps/gateway/src/probe.ts', "import { startIngest } from '../../ingest/src/service';\nexport const x = startIngest;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses a lib importing an app', async () => {
    const errors = await boundaryErrors('libs/bus/src/probe.ts', "import { startIngest } from '../../../apps/ingest/src/service';\nexport const x = startIngest;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses an I/O client in a core lib', async () => {
    const errors = await boundaryErrors('libs/contracts/src/probe.ts', "import pg from 'pg';\nexport const x = pg;\n");
    expect(errors.join('\n')).toMatch(/not allowed to import "pg"/);
  });

  it('refuses a core lib depending on an adapter lib', async () => {
    const errors = await boundaryErrors('libs/contracts/src/probe.ts', "import { connectBus } from '@freshet/bus';\nexport const x = connectBus;\n");
    expect(errors.join('\n')).toMatch(/layer:core/);
  });

  it('refuses production code importing the testkit, but lets tests use it', async () => {
    const code = "import { testNames } from '@freshet/testkit';\nexport const x = testNames;\n";
    expect((await boundaryErrors('libs/bus/src/probe.ts', code)).length).toBeGreaterThan(0);
    expect(await boundaryErrors('libs/bus/src/probe.int.spec.ts', code)).toEqual([]);
  });
});
