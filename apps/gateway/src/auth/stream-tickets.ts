// Single-use stream tickets, for clients that cannot send a header or a cookie with their
// EventSource. A ticket is 256 random bits, valid for GATEWAY_TICKET_TTL_MS and one
// redemption, on any gateway replica: it lives in a NATS KV bucket shared by all of them,
// stored under sha256(ticket) — never the ticket itself, so reading the bucket does not
// yield a usable credential. Redemption is get + delete-if-unchanged (the delete carries
// the revision read, as expected last subject sequence): of two concurrent redemptions,
// here or on another replica, exactly one delete succeeds. The bucket has
// FRESHET_STREAM_REPLICAS copies, like Freshet's streams, so a NATS node down loses none.
import { createHash, randomBytes } from 'node:crypto';
import { JetStreamApiCodes, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { ensureStreamReplicas, isApiError, replicasRefusal } from '@freshet/bus';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import { invalidCredential } from './auth-problem';
import { scopeSchema, type Principal, type Scope } from './principal';

const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** `<prefix>_tickets`, with anything a bucket name may not hold replaced. */
export function ticketBucketName(subjectPrefix: string): string {
  return `${subjectPrefix}_tickets`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The KV key of a ticket: its sha256, hex (valid as a key, and not the ticket). */
export function ticketKey(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

const storedTicketSchema = z.object({
  subject: z.string(),
  tenant: z.string(),
  scopes: z.array(z.string()),
  credentialId: z.string(),
  /** When the ticket can no longer be redeemed: min(credential expiry, issue + TTL). */
  expiresAt: z.number(),
  /** When the credential the ticket was issued for expires: a stream opened with the ticket ends then. */
  credentialExpiresAt: z.number().optional(),
});
type StoredTicket = z.infer<typeof storedTicketSchema>;

export interface IssuedTicket {
  ticket: string;
  expiresInMs: number;
}

export interface TicketStore {
  readonly bucket: string;
  issue(principal: Principal): Promise<IssuedTicket>;
  /** The Principal of a valid, unused ticket (kind `ticket`), consuming it; 401 otherwise. */
  redeem(ticket: string): Promise<Principal>;
  /** Voids a ticket that showed up where it is not accepted (its URL may be in a log now). Best effort. */
  discard(ticket: string): Promise<void>;
}

export interface TicketStoreOptions {
  nc: NatsConnection;
  bucket: string;
  ttlMs: number;
  /** Copies of the bucket on the NATS cluster (FRESHET_STREAM_REPLICAS; default 1). */
  replicas?: number;
  logger: Logger;
  now?: () => number;
}

const usedOrExpired = () =>
  invalidCredential('TICKET_USED_OR_EXPIRED', 'the stream ticket was already used or has expired; get a new one with POST /v1/stream-tickets');

const unavailable = (cause: unknown) =>
  new HttpProblem(503, 'TICKETS_UNAVAILABLE', 'stream tickets are unavailable right now; try again shortly or use the session cookie', undefined, { cause });

/**
 * Creates the bucket if missing; its max age follows the TTL so unredeemed tickets clean
 * themselves up, and its replica count follows the setting (both are applied to an
 * existing bucket too: Kvm.create only binds to one).
 */
async function openBucket(nc: NatsConnection, bucket: string, ttlMs: number, replicas: number, logger: Logger): Promise<KV> {
  let kv: KV;
  try {
    kv = await new Kvm(nc).create(bucket, { history: 1, ttl: ttlMs, replicas, description: 'gateway stream tickets (sha256 of the ticket → principal)' });
  } catch (error) {
    throw replicasRefusal(`KV_${bucket}`, replicas, error) ?? error;
  }
  const status = await kv.status();
  const jsm = await jetstreamManager(nc);
  const previous = await ensureStreamReplicas(jsm, status.streamInfo, replicas);
  if (previous !== undefined) logger.info({ bucket, from: previous, to: replicas }, 'ticket bucket replicas updated');
  if (status.ttl !== ttlMs) {
    // The TTL changed since the bucket was created. The stored expiry is what decides;
    // this only keeps the bucket from dropping tickets early or keeping them long.
    const maxAge = ttlMs * 1_000_000;
    const config = status.streamInfo.config;
    await jsm.streams.update(config.name, { max_age: maxAge, duplicate_window: Math.min(config.duplicate_window, maxAge) });
    logger.info({ bucket, fromMs: status.ttl, toMs: ttlMs }, 'ticket bucket max age updated');
  }
  return kv;
}

export async function openTicketStore({ nc, bucket, ttlMs, replicas = 1, logger, now = Date.now }: TicketStoreOptions): Promise<TicketStore> {
  const kv = await openBucket(nc, bucket, ttlMs, replicas, logger);
  return {
    bucket,
    async issue(principal) {
      const issuedAt = now();
      const expiresAt = Math.min(principal.expiresAt ?? Number.POSITIVE_INFINITY, issuedAt + ttlMs);
      if (expiresAt <= issuedAt) throw invalidCredential('TOKEN_EXPIRED', 'the credential has expired');
      const ticket = randomBytes(32).toString('base64url');
      const stored: StoredTicket = {
        subject: principal.subject,
        tenant: principal.tenant,
        scopes: [...principal.scopes],
        credentialId: principal.credentialId,
        expiresAt,
        ...(principal.expiresAt === undefined ? {} : { credentialExpiresAt: principal.expiresAt }),
      };
      try {
        await kv.create(ticketKey(ticket), JSON.stringify(stored));
      } catch (error) {
        throw unavailable(error);
      }
      logger.debug({ tenant: principal.tenant, credentialId: principal.credentialId }, 'stream ticket issued');
      return { ticket, expiresInMs: expiresAt - issuedAt };
    },
    async redeem(ticket) {
      if (!TICKET_PATTERN.test(ticket)) throw invalidCredential('MALFORMED_TICKET', 'a stream ticket is 43 characters of base64url, as POST /v1/stream-tickets returns it');
      const key = ticketKey(ticket);
      let stored: StoredTicket;
      try {
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') throw usedOrExpired();
        // Consume it: only succeeds while the key is still at the revision just read.
        await kv.delete(key, { previousSeq: entry.revision });
        stored = storedTicketSchema.parse(entry.json());
      } catch (error) {
        if (error instanceof HttpProblem) throw error;
        if (isApiError(error, JetStreamApiCodes.StreamWrongLastSequence)) throw usedOrExpired();
        throw unavailable(error);
      }
      // The bucket's max age removes expired tickets only approximately; this is exact.
      if (stored.expiresAt <= now()) throw usedOrExpired();
      return {
        subject: stored.subject,
        tenant: stored.tenant,
        scopes: new Set(stored.scopes.filter((scope): scope is Scope => scopeSchema.safeParse(scope).success)),
        ...(stored.credentialExpiresAt === undefined ? {} : { expiresAt: stored.credentialExpiresAt }),
        kind: 'ticket',
        // The issuing credential's id, so streams opened with tickets count against its limits.
        credentialId: stored.credentialId,
      };
    },
    async discard(ticket) {
      if (!TICKET_PATTERN.test(ticket)) return;
      await kv.delete(ticketKey(ticket)).catch((error: unknown) => logger.warn({ err: error }, 'could not void a misplaced stream ticket'));
    },
  };
}
