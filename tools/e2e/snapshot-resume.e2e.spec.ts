// Snapshots for reconnect, proven through public surfaces only (gateway REST + SSE,
// upstream-sim admin, refreshes through the gateway): a client that reads a source's
// snapshot page by page and then resumes the stream with `Last-Event-ID: <position>`
// ends up with exactly the source's data — nothing missed, nothing doubled — while the
// upstream keeps changing and syncs keep emitting content events during its walk.
//
// Set-up: a dataset of INITIAL_ITEMS items, synced once. A *monitor* stream, opened live
// before that first sync, sees every event of the source from the very start: its log is
// the reference history. A seeded *writer* then keeps creating, patching and deleting
// items upstream and asking the gateway for refreshes. Meanwhile, ROUNDS times, the test
// walks the snapshot (PAGE_SIZE records a page, following `next`; after the second page
// of every walk it waits until the cache has applied an update or delete, after the walk's
// position, of a record the view held at that position and that sorts after the keys read
// so far — so every walk really spans a write it must leave to the stream) and opens a
// *follower* stream from the walk's position.
// The writer stops, refreshes run until one that did not join an older job completes (so
// the store reflects the final upstream), the streams go quiet, and everything is compared.
//
// What is asserted (a failing follower rule is collected and reported with its context):
//   Snapshot walk (every round and the final read): every page 200 and served from the
//     cache; `position` = `<meta.epoch>:<meta.seq>`; every page of a walk carries the first
//     page's seq and epoch (pinned); keys strictly increase in byte order (no key twice);
//     freshness meta present (lastSyncedAt set, ageMs ≥ 0, staleAfterMs > 0, a known state).
//   Follower stream (resumed from a walk's position): first event `ready` with id = that
//     position (an exact resume, not a reset); no `reset`/`disconnect`/`auth-expired`;
//     every id `<same epoch>:<seq>`, never seen twice, seq > the snapshot position and
//     strictly increasing. Content events are applied to the walk's records (created/updated
//     → set by key, deleted → remove). "Doubled" as the brief defines it — an event whose
//     effect is already in the state (a created/updated equal to the record held, a
//     deleted of an absent key) with seq ≤ the position — is a failure; so is any event
//     at or below the position at all. Because a cache walk is exact (pinned seq), two
//     stricter rules hold too and are failures: a created/updated whose record equals the
//     one held (a repeat: the event was already in the snapshot, or delivered twice), and
//     a created for a key already held. Allowed and counted: a deleted of an absent key
//     and an updated of an absent key — a key that changed after the position is left out
//     of later pages of the walk, and the stream carries its change.
//   Monitor stream: the same stream rules from its `ready` position, starting empty.
//   Events: each follower's content-event seqs = exactly the monitor's content-event seqs
//     after the follower's position (no event missed, none extra).
//   Each walk against the reference history: every record it holds equals the fold of the
//     monitor's content events up to its position (never an effect after the position,
//     never an older state), and every key of that fold it lacks was changed by an event
//     after its position (left to the stream).
//   The end: after the final refresh and quiet streams, every follower's state = the
//     monitor's state = a final snapshot read fresh through the gateway (served from the
//     cache, `fresh`, count = its records, lastSyncedAt ≥ the final job's completion) =
//     the upstream's current items (same keys; each record equal to the upstream item).
import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStreamPosition, type SnapshotResponse } from '@freshet/contracts';
import { openSse, waitFor, type SseConnection, type SseEvent } from '@freshet/testkit';
import { devAuth, registerSource } from '../dev/demo-seed';
import { startE2eStack, type E2eStack } from './e2e-stack';

const TENANT = 'acme';
const SOURCE = 'catalog';
const DATASET = 'acme-catalog';
const INITIAL_ITEMS = 300;
const PAGE_SIZE = 50;
const ROUNDS = 8;
const WRITER_SEED = 0x5eed_2024;
const DATASET_SEED = 11;

type Rec = Record<string, unknown>;

let stack: E2eStack;
let sim: string;
let gateway: string;
let monitor: Follower | undefined;
const followers: Follower[] = [];
const writer = { stop: false, done: Promise.resolve() };

// ---- small helpers ----------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so the writer's choices are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function admin(method: string, path: string, body?: unknown): Promise<Rec> {
  const res = await fetch(`${sim}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Rec);
}

async function refresh(): Promise<{ jobId: string; joined: boolean }> {
  const res = await fetch(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/refresh`, { method: 'POST', headers: await devAuth(TENANT) });
  if (res.status !== 202) throw new Error(`refresh: ${res.status} ${await res.text()}`);
  return (await res.json()) as { jobId: string; joined: boolean };
}

/** The upstream's current items, by key (the public list, every page). */
async function upstreamItems(): Promise<Map<string, Rec>> {
  const items = new Map<string, Rec>();
  for (let page = 1, pages = 1; page <= pages; page += 1) {
    const res = await fetch(`${sim}/v1/datasets/${DATASET}/items?page=${page}&page_size=1000`);
    if (!res.ok) throw new Error(`upstream list page ${page}: ${res.status} ${await res.text()}`);
    pages = Number(res.headers.get('x-pages') ?? '1');
    for (const item of (await res.json()) as Rec[]) items.set(String(item['id']), item);
  }
  return items;
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** A short, readable difference of two states (empty lists: equal). */
function diffStates(actual: ReadonlyMap<string, Rec>, expected: ReadonlyMap<string, Rec>) {
  const missing = [...expected.keys()].filter((k) => !actual.has(k));
  const extra = [...actual.keys()].filter((k) => !expected.has(k));
  const different = [...expected.keys()].filter((k) => actual.has(k) && !isDeepStrictEqual(actual.get(k), expected.get(k)));
  return { missing: missing.sort(byteOrder), extra: extra.sort(byteOrder), different: different.sort(byteOrder) };
}
const NO_DIFFERENCE = { missing: [], extra: [], different: [] };

// ---- the snapshot walk ------------------------------------------------------------------

interface Walk {
  records: Map<string, Rec>;
  position: string;
  epoch: string;
  seq: number;
  pages: number;
  meta: SnapshotResponse['meta'];
}

async function snapshotPage(query: string): Promise<SnapshotResponse> {
  const res = await fetch(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/snapshot?${query}`, { headers: await devAuth(TENANT) });
  const body = (await res.json()) as SnapshotResponse;
  expect(res.status, `snapshot ${query}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

/** Walks the whole snapshot; `midWalk` runs once after the second page (while pages remain) with the last key read. */
async function walkSnapshot(midWalk?: (seq: number, lastKey: string) => Promise<void>): Promise<Walk> {
  const records = new Map<string, Rec>();
  let first: SnapshotResponse | undefined;
  let cursor: string | undefined;
  let lastKey: string | undefined;
  let pages = 0;
  do {
    const page = await snapshotPage(`limit=${PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    pages += 1;
    first ??= page;
    const { meta } = page;
    expect(meta.servedFrom, 'a healthy stack answers from the cache').toBe('cache');
    expect(page.position).toBe(`${meta.epoch}:${meta.seq}`);
    expect({ seq: meta.seq, epoch: meta.epoch }, 'every page of a walk carries its first page position').toEqual({ seq: first.meta.seq, epoch: first.meta.epoch });
    expect(meta.lastSyncedAt).not.toBeNull();
    expect(meta.ageMs).toBeGreaterThanOrEqual(0);
    expect(meta.staleAfterMs).toBeGreaterThan(0);
    expect(['fresh', 'stale', 'revalidating', 'error']).toContain(meta.state);
    expect(page.records.length).toBeLessThanOrEqual(PAGE_SIZE);
    for (const { key, record } of page.records) {
      if (lastKey !== undefined) expect(byteOrder(key, lastKey), `key ${key} after ${lastKey} in one walk`).toBeGreaterThan(0);
      lastKey = key;
      records.set(key, record);
    }
    cursor = page.next;
    if (pages === 2 && cursor !== undefined && lastKey !== undefined) await midWalk?.(first.meta.seq, lastKey);
  } while (cursor !== undefined);
  return { records, position: first.position, epoch: first.meta.epoch, seq: first.meta.seq, pages, meta: first.meta };
}

// ---- streams --------------------------------------------------------------------------------

interface ContentEvent {
  seq: number;
  type: 'content.created' | 'content.updated' | 'content.deleted';
  key: string;
  record?: Rec;
}

/**
 * One client's stream and the state it reconstructs: the snapshot it started from plus every
 * content event after it. Rule violations are collected in `failures` (see the header).
 */
class Follower {
  readonly state: Map<string, Rec>;
  lastSeq: number;
  /** Last seq of an event the cache projects (content.*, job.completed): a snapshot at or after it reflects all this stream saw. */
  lastProjectedSeq = 0;
  readonly content: ContentEvent[] = [];
  readonly failures: string[] = [];
  readonly counts = { events: 0, created: 0, updated: 0, deleted: 0, deleteOfAbsent: 0, updateOfAbsent: 0 };
  private readonly seenIds = new Set<string>();
  private next = 0;

  constructor(
    readonly label: string,
    readonly sse: SseConnection,
    readonly epoch: string,
    /** The snapshot position it resumed from (the monitor: its `ready` position). */
    readonly position: number,
    initial: ReadonlyMap<string, Rec>,
    private readonly expectedReadyId: string | undefined,
  ) {
    this.state = new Map(initial);
    this.lastSeq = position;
  }

  private fail(event: SseEvent, why: string): void {
    this.failures.push(`${this.label} (from seq ${this.position}): ${event.event} id=${event.id ?? '-'}: ${why}`);
  }

  /** Applies every event received since the last call. */
  drain(): void {
    for (; this.next < this.sse.events.length; this.next += 1) {
      const event = this.sse.events[this.next] as SseEvent;
      if (this.next === 0) {
        if (event.event !== 'ready') this.fail(event, 'the first event is not ready');
        else if (this.expectedReadyId !== undefined && event.id !== this.expectedReadyId) this.fail(event, `ready id is not the snapshot position ${this.expectedReadyId} (${event.data})`);
        continue;
      }
      if (event.event === 'ready' || event.event === 'reset' || event.event === 'disconnect' || event.event === 'auth-expired') {
        this.fail(event, `control event in an exact resume: ${event.data}`);
        continue;
      }
      const position = event.id === undefined ? undefined : parseStreamPosition(event.id);
      if (position === undefined || position.epoch !== this.epoch) {
        this.fail(event, `id is not a position of epoch ${this.epoch}`);
        continue;
      }
      if (this.seenIds.has(event.id as string)) this.fail(event, 'id seen twice');
      this.seenIds.add(event.id as string);
      const { seq } = position;
      if (seq <= this.position) this.fail(event, `seq at or before the snapshot position ${this.position}`);
      if (seq <= this.lastSeq) this.fail(event, `seq not after the previous ${this.lastSeq}`);
      this.lastSeq = Math.max(this.lastSeq, seq);
      this.counts.events += 1;
      const body = JSON.parse(event.data) as { type: string; tenant: string; source: string; data: Rec };
      if (body.type !== event.event || body.tenant !== TENANT || body.source !== SOURCE) this.fail(event, `not an event of ${TENANT}/${SOURCE}: ${event.data.slice(0, 200)}`);
      if (event.event === 'job.completed' || event.event.startsWith('content.')) this.lastProjectedSeq = seq;
      if (!event.event.startsWith('content.')) continue;
      this.apply(event, seq, body.data);
    }
  }

  private apply(event: SseEvent, seq: number, data: Rec): void {
    const key = String(data['key']);
    const held = this.state.get(key);
    if (event.event === 'content.deleted') {
      this.content.push({ seq, type: 'content.deleted', key });
      this.counts.deleted += 1;
      if (held === undefined) {
        if (seq <= this.position) this.fail(event, `doubled: deletes ${key}, absent already`);
        this.counts.deleteOfAbsent += 1;
      }
      this.state.delete(key);
      return;
    }
    if (event.event !== 'content.created' && event.event !== 'content.updated') {
      this.fail(event, 'unknown content event');
      return;
    }
    const record = data['record'] as Rec;
    this.content.push({ seq, type: event.event, key, record });
    this.counts[event.event === 'content.created' ? 'created' : 'updated'] += 1;
    if (held !== undefined && isDeepStrictEqual(held, record)) {
      this.fail(event, seq <= this.position ? `doubled: ${key} already holds this record` : `repeat: ${key} already holds this record (an exact snapshot plus the stream never repeats a change)`);
    } else if (held !== undefined && event.event === 'content.created') {
      this.fail(event, `created ${key}, which the state already holds`);
    } else if (held === undefined && event.event === 'content.updated') {
      this.counts.updateOfAbsent += 1;
    }
    this.state.set(key, record);
  }
}

/** Opens a stream: resumed from a walk's position (a follower), or live (the monitor). */
async function openFollower(label: string, from?: Walk): Promise<Follower> {
  const headers = { ...(await devAuth(TENANT)), ...(from === undefined ? {} : { 'last-event-id': from.position }) };
  const sse = await openSse(`${gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`, { headers });
  expect(sse.status, `${label} stream`).toBe(200);
  const ready = await sse.waitFor((e) => e.event === 'ready', { timeoutMs: 20_000 });
  if (from !== undefined) return new Follower(label, sse, from.epoch, from.seq, from.records, from.position);
  // The monitor starts live, empty, at the position its `ready` names.
  const start = parseStreamPosition(ready.id ?? '');
  expect(start, `${label} ready id ${ready.id}`).toBeDefined();
  return new Follower(label, sse, start?.epoch ?? '', start?.seq ?? NaN, new Map(), undefined);
}

/** The reference history folded up to (and including) `seq`. */
function foldMonitor(seq: number): Map<string, Rec> {
  const state = new Map<string, Rec>();
  for (const event of (monitor as Follower).content) {
    if (event.seq > seq) break;
    if (event.type === 'content.deleted') state.delete(event.key);
    else state.set(event.key, event.record as Rec);
  }
  return state;
}

// ---- the writer -------------------------------------------------------------------------------

interface WriterStats {
  creates: number;
  patches: number;
  deletes: number;
  refreshes: number;
  deleted: Set<string>;
}

/** Changes the upstream and asks for refreshes until told to stop; the choices are seeded. */
async function runWriter(live: number[], stats: WriterStats): Promise<void> {
  const random = prng(WRITER_SEED);
  const pick = () => Math.floor(random() * live.length);
  let n = 0;
  while (!writer.stop) {
    const batch = 1 + Math.floor(random() * 4);
    for (let i = 0; i < batch; i += 1) {
      n += 1;
      const roll = random();
      if (roll < 0.3 || live.length < INITIAL_ITEMS / 2) {
        const item = await admin('POST', `/admin/datasets/${DATASET}/items`, { name: `written ${n}`, price: Math.floor(random() * 100_000), quantity: Math.floor(random() * 50) });
        live.push(Number(item['id']));
        stats.creates += 1;
      } else if (roll < 0.8) {
        const id = live[pick()] as number;
        const patch = random() < 0.5 ? { name: `patched ${n}` } : { price: Math.floor(random() * 100_000), quantity: n % 50 };
        await admin('PATCH', `/admin/datasets/${DATASET}/items/${id}`, patch);
        stats.patches += 1;
      } else {
        const [id] = live.splice(pick(), 1);
        await admin('DELETE', `/admin/datasets/${DATASET}/items/${id}`);
        stats.deletes += 1;
        stats.deleted.add(String(id));
      }
    }
    await refresh();
    stats.refreshes += 1;
    await sleep(40 + Math.floor(random() * 120));
  }
}

// ---- the test ---------------------------------------------------------------------------------

beforeAll(async () => {
  stack = await startE2eStack('e2esnap', { gateway: { GATEWAY_HEARTBEAT_MS: '1000' } });
  sim = stack.urls['upstream-sim'];
  gateway = stack.urls.gateway;
  await admin('PUT', `/admin/datasets/${DATASET}`, { count: INITIAL_ITEMS, seed: DATASET_SEED });
  await registerSource(stack.urls, TENANT, SOURCE, DATASET);
}, 120_000);

afterAll(async () => {
  writer.stop = true;
  await writer.done.catch(() => undefined);
  monitor?.sse.close();
  for (const follower of followers) follower.sse.close();
  await stack?.teardown();
});

describe('snapshot + resume from its position, under concurrent writes', () => {
  it('misses and doubles nothing: every resumed client ends with exactly the source data', async () => {
    const startedAt = Date.now();
    // The reference: a live stream opened before the first sync sees the whole history.
    monitor = await openFollower('monitor');
    const mon = monitor;

    const first = await refresh();
    await mon.sse.waitFor((e) => e.event === 'job.completed' && (JSON.parse(e.data) as { data: Rec }).data['jobId'] === first.jobId, { timeoutMs: 30_000 });
    await waitFor(async () => (await snapshotPage('limit=1')).meta.count === INITIAL_ITEMS, { timeoutMs: 20_000, message: 'the view holds the dataset' });

    const live = [...(await upstreamItems()).keys()].map(Number);
    const stats: WriterStats = { creates: 0, patches: 0, deletes: 0, refreshes: 0, deleted: new Set() };
    writer.done = runWriter(live, stats);
    let writerError: unknown;
    writer.done.catch((error: unknown) => {
      writerError = error;
      writer.stop = true;
    });

    // Every walk waits, after its second page, until the view has applied a change made
    // after the walk's position to a record it held then and that sorts after the keys read
    // so far (an update or a delete): the rest of the walk is read from a view that moved
    // on, and must leave that record to the stream.
    const spanWrite = async (seq: number, lastKey: string) => {
      await waitFor(
        async () => {
          if (writerError !== undefined) return true; // thrown below, not after a timeout
          mon.drain();
          if (mon.lastSeq < seq) return false;
          const atPosition = foldMonitor(seq);
          const change = mon.content.find((e) => e.seq > seq && e.type !== 'content.created' && byteOrder(e.key, lastKey) > 0 && atPosition.has(e.key));
          return change !== undefined && (await snapshotPage('limit=1')).meta.seq >= change.seq;
        },
        { timeoutMs: 20_000, intervalMs: 50, message: `a change after seq ${seq} to a key after ${lastKey}, applied to the view mid-walk` },
      );
      if (writerError !== undefined) throw writerError;
    };

    const walks: Walk[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const walk = await walkSnapshot(spanWrite);
      expect(writerError).toBeUndefined();
      walks.push(walk);
      expect(walk.epoch).toBe(mon.epoch);
      followers.push(await openFollower(`follower ${round}`, walk));
      await sleep(200);
    }

    // Stop writing; then refresh until a job that joined nothing older has completed: the
    // store (and so the stream) reflects the final upstream.
    await sleep(500);
    writer.stop = true;
    await writer.done;
    let finalJob: { jobId: string; time: string } | undefined;
    for (let attempt = 0; attempt < 5 && finalJob === undefined; attempt += 1) {
      const { jobId, joined } = await refresh();
      const completed = await mon.sse.waitFor((e) => e.event === 'job.completed' && (JSON.parse(e.data) as { data: Rec }).data['jobId'] === jobId, { timeoutMs: 30_000 });
      if (!joined) finalJob = { jobId, time: (JSON.parse(completed.data) as { time: string }).time };
    }
    expect(finalJob, 'a refresh started after the writer stopped completed').toBeDefined();

    // Quiet: a final snapshot, every stream past its position, and no content after it.
    let final: Walk | undefined;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const candidate = await walkSnapshot();
      await waitFor(
        () => {
          for (const f of [mon, ...followers]) f.drain();
          return [mon, ...followers].every((f) => f.lastSeq >= candidate.seq);
        },
        { timeoutMs: 20_000, message: `every stream reached seq ${candidate.seq}` },
      );
      await sleep(1_000);
      for (const f of [mon, ...followers]) f.drain();
      // Nothing the cache projects arrived after the candidate (a content event, or the
      // final job.completed not applied yet when the candidate was read): it is the end state.
      if (mon.lastProjectedSeq <= candidate.seq) {
        final = candidate;
        break;
      }
    }
    expect(final, 'the source went quiet').toBeDefined();
    const finalWalk = final as Walk;
    const upstream = await upstreamItems();

    // Stream rules (all streams).
    expect([mon, ...followers].flatMap((f) => f.failures)).toEqual([]);

    // Each follower: exactly the monitor's content events after its position, and the same end state.
    for (const f of followers) {
      expect(f.content.map((e) => e.seq), `${f.label}: content events after ${f.position}`).toEqual(mon.content.filter((e) => e.seq > f.position).map((e) => e.seq));
      expect(diffStates(f.state, finalWalk.records), `${f.label} vs the final snapshot`).toEqual(NO_DIFFERENCE);
    }
    expect(diffStates(mon.state, finalWalk.records), 'monitor vs the final snapshot').toEqual(NO_DIFFERENCE);

    // Each walk against the reference history at its position.
    const holes: number[] = [];
    for (const [i, walk] of walks.entries()) {
      const atPosition = foldMonitor(walk.seq);
      const wrong = [...walk.records].filter(([key, record]) => !isDeepStrictEqual(atPosition.get(key), record)).map(([key]) => key);
      expect(wrong, `walk ${i} (seq ${walk.seq}): records that are not the state at its position`).toEqual([]);
      const left = [...atPosition.keys()].filter((key) => !walk.records.has(key));
      const unexplained = left.filter((key) => !mon.content.some((e) => e.seq > walk.seq && e.key === key));
      expect(unexplained, `walk ${i} (seq ${walk.seq}): keys left out though nothing changed them after its position`).toEqual([]);
      holes.push(left.length);
      expect(left.length, `walk ${i} (seq ${walk.seq}) left the record changed mid-walk to the stream`).toBeGreaterThan(0);
      const f = followers[i] as Follower;
      expect(f.counts.updateOfAbsent + f.counts.deleteOfAbsent, `${f.label} got the change of a record its walk left out`).toBeGreaterThan(0);
    }

    // The end state is the upstream's, and the final snapshot's freshness meta says so.
    expect(diffStates(finalWalk.records, upstream), 'final snapshot vs upstream').toEqual(NO_DIFFERENCE);
    expect(finalWalk.meta).toMatchObject({ servedFrom: 'cache', state: 'fresh', count: upstream.size });
    expect(Date.parse(finalWalk.meta.lastSyncedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(finalJob?.time ?? ''));

    // The run did what it claims: writes of every kind, walks spanning several pages.
    expect(stats.creates * stats.patches * stats.deletes).toBeGreaterThan(0);
    expect(Math.min(...walks.map((w) => w.pages))).toBeGreaterThanOrEqual(5);
    for (const f of followers) expect(f.counts.created + f.counts.updated + f.counts.deleted, `${f.label} applied content events`).toBeGreaterThan(0);

    console.info(
      JSON.stringify({
        durationMs: Date.now() - startedAt,
        writer: { ...stats, deleted: undefined },
        finalItems: upstream.size,
        // Deletions of items the writer never deleted (a full sync over numbered pages that shifted mid-sync), re-created later.
        spuriousDeletes: mon.content.filter((e) => e.type === 'content.deleted' && !stats.deleted.has(e.key)).length,
        monitor: { ...mon.counts, from: mon.position },
        walks: walks.map((w, i) => ({ seq: w.seq, pages: w.pages, records: w.records.size, leftToStream: holes[i], follower: followers[i]?.counts })),
        final: { seq: finalWalk.seq, records: finalWalk.records.size },
      }),
    );
  }, 120_000);
});
