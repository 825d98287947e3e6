import { describe, expect, it } from 'vitest';
import { StreamLimiter } from './stream-limits';

describe('StreamLimiter', () => {
  it('refuses beyond the per-credential limit and frees the slot on release, once', () => {
    const limiter = new StreamLimiter({ perCredential: 2, perIp: 10 });
    const a = limiter.acquire('c1', 'ip1');
    const b = limiter.acquire('c1', 'ip2');
    expect(a.ok && b.ok).toBe(true);
    const refused = limiter.acquire('c1', 'ip3');
    expect(refused).toMatchObject({ ok: false, limit: 'credential' });
    expect(limiter.acquire('c2', 'ip1').ok).toBe(true);
    if (!a.ok) throw new Error('unreachable');
    a.release();
    a.release();
    expect(limiter.acquire('c1', 'ip3').ok).toBe(true);
    expect(limiter.acquire('c1', 'ip3').ok).toBe(false);
  });

  it('refuses beyond the per-address limit without taking a credential slot', () => {
    const limiter = new StreamLimiter({ perCredential: 10, perIp: 1 });
    expect(limiter.acquire('c1', 'ip1').ok).toBe(true);
    expect(limiter.acquire('c2', 'ip1')).toMatchObject({ ok: false, limit: 'ip' });
    expect(limiter.open()).toEqual({ credentials: 1, ips: 1 });
  });

  it('forgets keys whose streams all closed', () => {
    const limiter = new StreamLimiter({ perCredential: 1, perIp: 1 });
    const slot = limiter.acquire('c1', 'ip1');
    if (!slot.ok) throw new Error('unreachable');
    slot.release();
    expect(limiter.open()).toEqual({ credentials: 0, ips: 0 });
  });
});
