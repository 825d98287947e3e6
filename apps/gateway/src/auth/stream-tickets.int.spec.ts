// Stream tickets against the real NATS KV: shared by gateway replicas (two authenticators,
// two connections), redeemed once across them even when they race, expired on time, and
// stored only as a hash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { deleteStreams, testNames, TEST_NATS_URL } from '@freshet/testkit';
import { AuthProblem } from './auth-problem';
import type { Principal } from './principal';
import { openTicketStore, ticketBucketName, ticketKey, type TicketStore } from './stream-tickets';

const names = testNames('tk');
const bucket = ticketBucketName(names.subjectPrefix);
const logger = pino({ level: 'silent' });
const connections: NatsConnection[] = [];
let replicaA: TicketStore;
let replicaB: TicketStore;

const principal = (overrides: Partial<Principal> = {}): Principal => ({
  subject: 'user-1',
  tenant: 'acme',
  scopes: new Set(['sources:read', 'admin:read']),
  expiresAt: Date.now() + 3_600_000,
  kind: 'jwt',
  credentialId: 'jti-1',
  ...overrides,
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthProblem) return `${error.statusCode} ${error.code}`;
    throw error;
  }
  return 'redeemed';
}

beforeAll(async () => {
  for (let i = 0; i < 2; i++) connections.push(await connect({ servers: TEST_NATS_URL }));
  replicaA = await openTicketStore({ nc: connections[0]!, bucket, ttlMs: 30_000, logger });
  replicaB = await openTicketStore({ nc: connections[1]!, bucket, ttlMs: 30_000, logger });
});

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close()));
  await deleteStreams([`KV_${bucket}`]);
});

describe('stream tickets', () => {
  it('are redeemed once, on any replica', async () => {
    const issued = await replicaA.issue(principal());
    expect(issued.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresInMs).toBeGreaterThan(29_000);
    expect(issued.expiresInMs).toBeLessThanOrEqual(30_000);

    const redeemed = await replicaB.redeem(issued.ticket);
    expect(redeemed).toMatchObject({ subject: 'user-1', tenant: 'acme', kind: 'ticket', credentialId: 'jti-1' });
    expect([...redeemed.scopes].sort()).toEqual(['admin:read', 'sources:read']);
    expect(await refusal(replicaB.redeem(issued.ticket))).toBe('401 TICKET_USED_OR_EXPIRED');
    expect(await refusal(replicaA.redeem(issued.ticket))).toBe('401 TICKET_USED_OR_EXPIRED');
  });

  it('let exactly one of concurrent redemptions win', async () => {
    for (let round = 0; round < 10; round++) {
      const { ticket } = await replicaA.issue(principal());
      const outcomes = await Promise.allSettled([replicaA.redeem(ticket), replicaB.redeem(ticket), replicaA.redeem(ticket), replicaB.redeem(ticket)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect((outcome.reason as AuthProblem).code).toBe('TICKET_USED_OR_EXPIRED');
      }
    }
  });

  it('keep the credential’s expiry for the stream, and never outlive the credential', async () => {
    const credentialExpiry = Date.now() + 3_600_000;
    const { ticket } = await replicaA.issue(principal({ expiresAt: credentialExpiry }));
    // The stream opened with the ticket ends when the credential does, not when the ticket would have.
    expect((await replicaB.redeem(ticket)).expiresAt).toBe(credentialExpiry);

    const shortLived = await replicaA.issue(principal({ expiresAt: Date.now() + 2_000 }));
    expect(shortLived.expiresInMs).toBeLessThanOrEqual(2_000);
    const apiKey = await replicaA.issue(principal({ expiresAt: undefined, kind: 'api-key', credentialId: 'ci' }));
    expect(apiKey.expiresInMs).toBe(30_000);
    const fromKey = await replicaB.redeem(apiKey.ticket);
    expect(fromKey.expiresAt).toBeUndefined();
    expect(fromKey.credentialId).toBe('ci');
  });

  it('expire after the TTL (exactly, by the stored expiry; eventually, by the bucket’s max age)', async () => {
    let now = Date.now();
    const clocked = await openTicketStore({ nc: connections[0]!, bucket, ttlMs: 30_000, logger, now: () => now });
    const { ticket } = await clocked.issue(principal());
    now += 30_001;
    expect(await refusal(clocked.redeem(ticket))).toBe('401 TICKET_USED_OR_EXPIRED');

    const shortBucket = `${bucket}_short`;
    try {
      const short = await openTicketStore({ nc: connections[0]!, bucket: shortBucket, ttlMs: 1_000, logger });
      const late = await short.issue(principal());
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await refusal(short.redeem(late.ticket))).toBe('401 TICKET_USED_OR_EXPIRED');
      const kv = await new Kvm(connections[0]!).open(shortBucket);
      expect(await kv.get(ticketKey(late.ticket))).toBeNull();
    } finally {
      await deleteStreams([`KV_${shortBucket}`]);
    }
  });

  it('are stored under their hash, with no copy of the ticket', async () => {
    const { ticket } = await replicaA.issue(principal());
    const kv = await new Kvm(connections[0]!).open(bucket);
    const entry = await kv.get(ticketKey(ticket));
    expect(entry?.operation).toBe('PUT');
    expect(entry?.key).toBe(ticketKey(ticket));
    expect(entry?.string()).not.toContain(ticket);
    expect(entry?.json()).toMatchObject({ tenant: 'acme', scopes: ['sources:read', 'admin:read'], credentialId: 'jti-1' });
  });

  it('refuse malformed tickets, and void a misplaced one', async () => {
    expect(await refusal(replicaA.redeem('not-a-ticket'))).toBe('401 MALFORMED_TICKET');
    const { ticket } = await replicaA.issue(principal());
    await replicaB.discard(ticket);
    expect(await refusal(replicaA.redeem(ticket))).toBe('401 TICKET_USED_OR_EXPIRED');
  });

  it('follow a changed TTL on an existing bucket', async () => {
    await openTicketStore({ nc: connections[0]!, bucket, ttlMs: 45_000, logger });
    const kv = await new Kvm(connections[0]!).open(bucket);
    expect((await kv.status()).ttl).toBe(45_000);
  });
});
