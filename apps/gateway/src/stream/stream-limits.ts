// Concurrent streams per credential and per client address, counted in this process.
// A stream holds a socket, timers and a slot in the fan-out for hours: one leaked token
// or one misbehaving page must not be able to open thousands. Per process, not global:
// with N replicas behind a balancer a client may hold up to N times the limit, which
// bounds what it costs each replica — the point of the limit.

export interface StreamLimits {
  perCredential: number;
  perIp: number;
}

export type AcquireResult = { ok: true; release: () => void } | { ok: false; limit: 'credential' | 'ip'; message: string };

export class StreamLimiter {
  private readonly byCredential = new Map<string, number>();
  private readonly byIp = new Map<string, number>();

  constructor(private readonly limits: StreamLimits) {}

  /** Takes a slot for both keys, or none; `release` is idempotent. */
  acquire(credentialId: string, ip: string): AcquireResult {
    const credentialCount = this.byCredential.get(credentialId) ?? 0;
    if (credentialCount >= this.limits.perCredential) {
      return { ok: false, limit: 'credential', message: `this credential already has ${credentialCount} open streams (at most ${this.limits.perCredential}); close one first` };
    }
    const ipCount = this.byIp.get(ip) ?? 0;
    if (ipCount >= this.limits.perIp) {
      return { ok: false, limit: 'ip', message: `this address already has ${ipCount} open streams (at most ${this.limits.perIp}); close one first` };
    }
    this.byCredential.set(credentialId, credentialCount + 1);
    this.byIp.set(ip, ipCount + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        decrement(this.byCredential, credentialId);
        decrement(this.byIp, ip);
      },
    };
  }

  open(): { credentials: number; ips: number } {
    return { credentials: this.byCredential.size, ips: this.byIp.size };
  }
}

// Entries at zero are deleted so the maps never grow with clients that have left.
function decrement(counts: Map<string, number>, key: string): void {
  const next = (counts.get(key) ?? 0) - 1;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
