// The Redis keys of the upstream protection layer, built in one place. Ids are escaped
// so an upstream id or credential id containing ':' cannot collide with another key.
//
//   <prefix>upstream:<id>:bucket                        token bucket (GCRA TAT, µs) of the upstream
//   <prefix>upstream:<id>:credential:<credential>:bucket token bucket of one credential on it
//   <prefix>upstream:<id>:page-gap                      minimum gap between pages (GCRA, capacity 1)
//   <prefix>upstream:<id>:pause                         hash {until, reason, since} of a shared pause
//
// Every key expires by itself: a bucket when it is full again, a pause shortly after it ends.

export interface UpstreamKeys {
  bucket(upstreamId: string): string;
  credentialBucket(upstreamId: string, credentialId: string): string;
  pageGap(upstreamId: string): string;
  pause(upstreamId: string): string;
}

export function escapeKeyPart(part: string): string {
  return part.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** `keyPrefix` gets a trailing ':' when it has none, so 'freshet' and 'freshet:' mean the same. */
export function upstreamKeys(keyPrefix: string): UpstreamKeys {
  const prefix = keyPrefix === '' || keyPrefix.endsWith(':') ? keyPrefix : `${keyPrefix}:`;
  const base = (upstreamId: string) => `${prefix}upstream:${escapeKeyPart(upstreamId)}`;
  return {
    bucket: (upstreamId) => `${base(upstreamId)}:bucket`,
    credentialBucket: (upstreamId, credentialId) => `${base(upstreamId)}:credential:${escapeKeyPart(credentialId)}:bucket`,
    pageGap: (upstreamId) => `${base(upstreamId)}:page-gap`,
    pause: (upstreamId) => `${base(upstreamId)}:pause`,
  };
}
