import { describe, expect, it } from 'vitest';
import { FIRST_SCREEN_SOURCES, forgetFirstScreen, readFirstScreenHint, rememberFirstScreen } from './first-screen-hint';

function memoryStorage() {
  const items = new Map<string, string>();
  let writes = 0;
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      writes += 1;
      items.set(key, value);
    },
    removeItem: (key: string) => void items.delete(key),
    writes: () => writes,
    raw: (value: string) => items.set('freshet:first-screen', value),
  };
}

describe('first-screen hint', () => {
  it('remembers the tenant and its first sources, writing only when they change', () => {
    const storage = memoryStorage();
    const sources = Array.from({ length: 12 }, (_, i) => `s${i}`);
    rememberFirstScreen(storage, { tenant: 'acme', sources });
    rememberFirstScreen(storage, { tenant: 'acme', sources });
    expect(storage.writes()).toBe(1);
    expect(readFirstScreenHint(storage)).toEqual({ tenant: 'acme', sources: sources.slice(0, FIRST_SCREEN_SOURCES) });
    forgetFirstScreen(storage);
    expect(readFirstScreenHint(storage)).toBeUndefined();
  });

  it('ignores anything that is not a hint, and storage that throws', () => {
    const storage = memoryStorage();
    for (const value of ['not json', '{"tenant":1,"sources":[]}', '{"tenant":"a","sources":[1]}', 'null']) {
      storage.raw(value);
      expect(readFirstScreenHint(storage), value).toBeUndefined();
    }
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); }, removeItem: () => { throw new Error('denied'); } };
    expect(readFirstScreenHint(broken)).toBeUndefined();
    expect(() => rememberFirstScreen(broken, { tenant: 'a', sources: [] })).not.toThrow();
    expect(() => forgetFirstScreen(broken)).not.toThrow();
    expect(readFirstScreenHint(undefined)).toBeUndefined();
  });
});
