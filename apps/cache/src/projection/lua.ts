// Runs a Lua script by its SHA, loading it on the first NOSCRIPT (after a Redis restart
// or failover the script cache is empty). Keys go through ioredis, so `keyPrefix` applies.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  source: string;
  sha: string;
  keys: number;
}

export function luaScript(source: string, keys: number): LuaScript {
  return { source, keys, sha: createHash('sha1').update(source).digest('hex') };
}

export async function runScript(redis: Redis, script: LuaScript, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
  if (keys.length !== script.keys) throw new TypeError(`script takes ${script.keys} keys, got ${keys.length}`);
  try {
    return await redis.evalsha(script.sha, script.keys, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.source, script.keys, ...keys, ...args);
  }
}

/** As runScript, with the reply's strings as Buffers (no decoding of large values). */
export async function runScriptBuffer(redis: Redis, script: LuaScript, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
  if (keys.length !== script.keys) throw new TypeError(`script takes ${script.keys} keys, got ${keys.length}`);
  try {
    // callBuffer goes through the same command path as evalsha (keyPrefix applies to KEYS).
    return await redis.callBuffer('evalsha', script.sha, script.keys, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.callBuffer('eval', script.source, script.keys, ...keys, ...args);
  }
}
