// Deterministic seed data: the same (seed, count) always yields the same items, ids,
// names and timestamps, so demos, tests and benchmarks can assert exact content.
// Items are created in id order with growing createdAt (like a real append-mostly API),
// and about a third of them were edited some time after creation.
import { SEED_BASE_TIME_MS } from './constants';
import type { Item } from './item';
import { mulberry32, pick, randomInt } from './prng';

const ADJECTIVES = [
  'Amber', 'Brisk', 'Copper', 'Dusky', 'Eager', 'Frosted', 'Golden', 'Hollow', 'Ivory', 'Jolly',
  'Keen', 'Lunar', 'Mossy', 'Nimble', 'Olive', 'Pale', 'Quiet', 'Rustic', 'Silver', 'Tidal',
] as const;
const NOUNS = [
  'Anchor', 'Beacon', 'Canyon', 'Delta', 'Ember', 'Fjord', 'Glacier', 'Harbor', 'Inlet', 'Juniper',
  'Kettle', 'Lantern', 'Meadow', 'Nebula', 'Orchard', 'Pebble', 'Quarry', 'Ridge', 'Summit', 'Thicket',
] as const;

const MINUTE_MS = 60_000;

export function seedItems(seed: number, count: number): Item[] {
  const random = mulberry32(seed);
  const items: Item[] = [];
  let createdMs = SEED_BASE_TIME_MS;
  for (let id = 1; id <= count; id += 1) {
    createdMs += randomInt(random, 1, 240) * MINUTE_MS;
    const edited = random() < 0.3;
    const updatedMs = edited ? createdMs + randomInt(random, 1, 7 * 24 * 60) * MINUTE_MS : createdMs;
    items.push(
      Object.freeze({
        id,
        name: `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${randomInt(random, 1, 999)}`,
        price: randomInt(random, 99, 99_999),
        quantity: randomInt(random, 0, 500),
        createdAt: new Date(createdMs).toISOString(),
        updatedAt: new Date(updatedMs).toISOString(),
      }),
    );
  }
  return items;
}
