// Deterministic seed data: the same (seed, count) always yields the same items, ids,
// names and timestamps, so demos, tests and benchmarks can assert exact content.
// Items are created in id order with growing createdAt (like a real append-mostly API),
// and about a third of them were edited some time after creation.
//
// Seeds are kept as columns (typed arrays, about 28 bytes an item) rather than objects, so
// a million-item dataset costs tens of megabytes; `seedItemAt` builds the item a client
// sees only when it is served.
import { SEED_BASE_TIME_MS } from './constants';
import type { Item } from './item';
import { mulberry32, randomInt } from './prng';

const ADJECTIVES = [
  'Amber', 'Brisk', 'Copper', 'Dusky', 'Eager', 'Frosted', 'Golden', 'Hollow', 'Ivory', 'Jolly',
  'Keen', 'Lunar', 'Mossy', 'Nimble', 'Olive', 'Pale', 'Quiet', 'Rustic', 'Silver', 'Tidal',
] as const;
const NOUNS = [
  'Anchor', 'Beacon', 'Canyon', 'Delta', 'Ember', 'Fjord', 'Glacier', 'Harbor', 'Inlet', 'Juniper',
  'Kettle', 'Lantern', 'Meadow', 'Nebula', 'Orchard', 'Pebble', 'Quarry', 'Ridge', 'Summit', 'Thicket',
] as const;

const MINUTE_MS = 60_000;
/** Ids fit below this, so (minute, id) packs exactly into one float64 sort key. */
const ID_SPAN = 2 ** 21;

/** Seeded items by column; item `id` is at index id - 1. */
export interface SeedColumns {
  readonly count: number;
  readonly createdMs: Float64Array;
  readonly updatedMs: Float64Array;
  readonly price: Int32Array;
  readonly quantity: Int32Array;
  /** adjective * 20_000 + noun * 1000 + number. */
  readonly nameCode: Int32Array;
  /** Ids ordered by (updatedMs, id), for updated_since. */
  readonly idsByUpdated: Int32Array;
  /** Latest updatedMs, or SEED_BASE_TIME_MS when empty. */
  readonly lastModifiedMs: number;
}

export function seedColumns(seed: number, count: number): SeedColumns {
  if (count >= ID_SPAN) throw new RangeError(`cannot seed ${count} items (at most ${ID_SPAN - 1})`);
  const random = mulberry32(seed);
  const createdMs = new Float64Array(count);
  const updatedMs = new Float64Array(count);
  const price = new Int32Array(count);
  const quantity = new Int32Array(count);
  const nameCode = new Int32Array(count);
  const updatedKeys = new Float64Array(count);
  let created = SEED_BASE_TIME_MS;
  let lastModifiedMs = SEED_BASE_TIME_MS;
  // The order of the random() calls is the generator's contract: it pins every item.
  for (let index = 0; index < count; index += 1) {
    created += randomInt(random, 1, 240) * MINUTE_MS;
    const edited = random() < 0.3;
    const updated = edited ? created + randomInt(random, 1, 7 * 24 * 60) * MINUTE_MS : created;
    // Same draws as prng.pick: one random() per word.
    const adjective = Math.floor(random() * ADJECTIVES.length);
    const noun = Math.floor(random() * NOUNS.length);
    nameCode[index] = adjective * 20_000 + noun * 1000 + randomInt(random, 1, 999);
    price[index] = randomInt(random, 99, 99_999);
    quantity[index] = randomInt(random, 0, 500);
    createdMs[index] = created;
    updatedMs[index] = updated;
    // Whole minutes since the base, times ID_SPAN, plus the id: exact below 2^53.
    updatedKeys[index] = ((updated - SEED_BASE_TIME_MS) / MINUTE_MS) * ID_SPAN + (index + 1);
    lastModifiedMs = Math.max(lastModifiedMs, updated);
  }
  updatedKeys.sort();
  const idsByUpdated = new Int32Array(count);
  for (let i = 0; i < count; i += 1) idsByUpdated[i] = (updatedKeys[i] as number) % ID_SPAN;
  return { count, createdMs, updatedMs, price, quantity, nameCode, idsByUpdated, lastModifiedMs };
}

/** The seeded item with this id (1..count). */
export function seedItemAt(columns: SeedColumns, id: number): Item {
  const index = id - 1;
  const code = columns.nameCode[index] as number;
  const adjective = ADJECTIVES[Math.floor(code / 20_000)] ?? ADJECTIVES[0];
  const noun = NOUNS[Math.floor(code / 1000) % 20] ?? NOUNS[0];
  return Object.freeze({
    id,
    name: `${adjective} ${noun} ${code % 1000}`,
    price: columns.price[index] as number,
    quantity: columns.quantity[index] as number,
    createdAt: new Date(columns.createdMs[index] as number).toISOString(),
    updatedAt: new Date(columns.updatedMs[index] as number).toISOString(),
  });
}

/** All seeded items in id order (for tests and small datasets). */
export function seedItems(seed: number, count: number): Item[] {
  const columns = seedColumns(seed, count);
  return Array.from({ length: count }, (_, index) => seedItemAt(columns, index + 1));
}
