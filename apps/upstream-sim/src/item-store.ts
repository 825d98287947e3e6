// In-memory datasets of items: seeding, the two list orders, and admin edits. No HTTP
// and no wall clock (time comes from the injected Clock), so every behaviour is testable
// directly. Ids are monotonic per dataset and never reused after a delete; a reseed
// replaces the dataset wholesale, ids included.
//
// Built for million-item benchmark datasets: seeded items stay as compact columns (see
// seed-items.ts) shadowed by a map of created or edited items, and two SortedIndexes keep
// both orders up to date on every edit, so serving a page costs O(log n + page) and never
// sorts or copies the dataset.
//
// Change times never go backwards within a dataset: a create, edit or delete is stamped
// max(clock, the dataset's last change + 1 ms). So a new item is always the newest and an
// edit always lands after every updatedAt a client has seen, even under a frozen test
// clock or on a large seeded dataset whose timeline runs past today (a million seeded
// items reach the 23rd century).
//
// Orders:
// - newest first: createdAt desc, then id desc (the default list);
// - updated since T: only items with updatedAt > T, updatedAt asc, then id asc. An edit
//   moves an item to the end of this order, so a client that remembers the last
//   (updatedAt, id) it saw and resumes after it sees every change exactly once.
import type { Clock } from './clock';
import { DatasetNotFoundError, ItemNotFoundError } from './errors';
import type { Item, ItemPatch, NewItem } from './item';
import { seedColumns, seedItemAt, type SeedColumns } from './seed-items';
import { SortedIndex } from './sorted-index';

export interface SeedOptions {
  seed: number;
  count: number;
}

export interface DatasetSummary {
  name: string;
  itemCount: number;
  /** The seed it was last seeded with, or null when it was created by adding an item. */
  seed: number | null;
  lastModified: string;
}

export type ListOrder = { kind: 'newest' } | { kind: 'updatedSince'; sinceMs: number };

/** Where an item sits in an order: its createdAt (newest) or updatedAt (updatedSince) in ms, and its id. */
export interface OrderPosition {
  ms: number;
  id: number;
}

export interface ItemWindow {
  items: Item[];
  /** Items in the whole (filtered) order. */
  total: number;
}

export interface ItemRun {
  items: Item[];
  /** Items after this run in the order. */
  remaining: number;
}

interface Dataset {
  seed: number | null;
  columns: SeedColumns | undefined;
  /** Created or edited items; they shadow the seeded columns. */
  overrides: Map<number, Item>;
  /** Seeded ids deleted since seeding. */
  deletedSeeds: Set<number>;
  nextId: number;
  lastModifiedMs: number;
  /** (createdAt ms, id) ascending; newest first is read from the end. */
  byCreated: SortedIndex;
  /** (updatedAt ms, id) ascending. */
  byUpdated: SortedIndex;
}

export function positionOf(item: Item, order: ListOrder): OrderPosition {
  return { ms: Date.parse(order.kind === 'newest' ? item.createdAt : item.updatedAt), id: item.id };
}

export class ItemStore {
  private readonly datasets = new Map<string, Dataset>();

  constructor(private readonly clock: Clock) {}

  /** Creates or replaces a dataset with deterministic items; true when it is new. */
  seed(name: string, { seed, count }: SeedOptions): { created: boolean; summary: DatasetSummary } {
    const created = !this.datasets.has(name);
    const columns = seedColumns(seed, count);
    const ids = new Int32Array(count);
    for (let i = 0; i < count; i += 1) ids[i] = i + 1;
    // Seeded createdAt grows with the id, so id order is already (createdAt, id) order.
    const dataset: Dataset = {
      seed,
      columns,
      overrides: new Map(),
      deletedSeeds: new Set(),
      nextId: count + 1,
      lastModifiedMs: columns.lastModifiedMs,
      byCreated: SortedIndex.fromSorted(columns.createdMs, ids),
      byUpdated: SortedIndex.fromSorted(
        Float64Array.from(columns.idsByUpdated, (id) => columns.updatedMs[id - 1] as number),
        columns.idsByUpdated,
      ),
    };
    this.datasets.set(name, dataset);
    return { created, summary: summarize(name, dataset) };
  }

  has(name: string): boolean {
    return this.datasets.has(name);
  }

  deleteDataset(name: string): boolean {
    return this.datasets.delete(name);
  }

  summaries(): DatasetSummary[] {
    return [...this.datasets].map(([name, dataset]) => summarize(name, dataset));
  }

  summary(name: string): DatasetSummary | undefined {
    const dataset = this.datasets.get(name);
    return dataset ? summarize(name, dataset) : undefined;
  }

  /** Every item newest first (createdAt desc, id desc). O(n): for tests and small datasets. */
  findNewestFirst(name: string): readonly Item[] | undefined {
    return this.window(name, { kind: 'newest' }, 0, Number.MAX_SAFE_INTEGER)?.items;
  }

  /** `limit` items of the order from `offset` (0-based), and the order's size; undefined for an unknown dataset. */
  window(name: string, order: ListOrder, offset: number, limit: number): ItemWindow | undefined {
    const dataset = this.datasets.get(name);
    if (!dataset) return undefined;
    if (order.kind === 'newest') {
      const total = dataset.byCreated.size;
      const ids = dataset.byCreated.idsDescending(total - 1 - offset, limit);
      return { items: this.itemsOf(dataset, ids), total };
    }
    const start = dataset.byUpdated.rank(order.sinceMs, Number.POSITIVE_INFINITY, true);
    const ids = dataset.byUpdated.idsAscending(start + offset, limit);
    return { items: this.itemsOf(dataset, ids), total: dataset.byUpdated.size - start };
  }

  /** `limit` items of the order after `after` (from its start when undefined); undefined for an unknown dataset. */
  run(name: string, order: ListOrder, after: OrderPosition | undefined, limit: number): ItemRun | undefined {
    const dataset = this.datasets.get(name);
    if (!dataset) return undefined;
    if (order.kind === 'newest') {
      const from = (after ? dataset.byCreated.rank(after.ms, after.id) : dataset.byCreated.size) - 1;
      const ids = dataset.byCreated.idsDescending(from, limit);
      return { items: this.itemsOf(dataset, ids), remaining: Math.max(0, from + 1 - ids.length) };
    }
    const sinceStart = dataset.byUpdated.rank(order.sinceMs, Number.POSITIVE_INFINITY, true);
    const from = Math.max(sinceStart, after ? dataset.byUpdated.rank(after.ms, after.id, true) : 0);
    const ids = dataset.byUpdated.idsAscending(from, limit);
    return { items: this.itemsOf(dataset, ids), remaining: Math.max(0, dataset.byUpdated.size - from - ids.length) };
  }

  lastModified(name: string): Date | undefined {
    const dataset = this.datasets.get(name);
    return dataset ? new Date(dataset.lastModifiedMs) : undefined;
  }

  getItemOrThrow(name: string, id: number): Item {
    const item = itemOf(this.getDatasetOrThrow(name), id);
    if (!item) throw new ItemNotFoundError(name, id);
    return item;
  }

  /** Adds an item stamped with the change time, creating an empty dataset if needed. */
  createItem(name: string, input: NewItem): Item {
    let dataset = this.datasets.get(name);
    if (!dataset) {
      dataset = {
        seed: null,
        columns: undefined,
        overrides: new Map(),
        deletedSeeds: new Set(),
        nextId: 1,
        lastModifiedMs: 0,
        byCreated: new SortedIndex(),
        byUpdated: new SortedIndex(),
      };
      this.datasets.set(name, dataset);
    }
    const at = this.tick(dataset);
    const item: Item = Object.freeze({
      id: dataset.nextId,
      name: input.name,
      price: input.price ?? 0,
      quantity: input.quantity ?? 0,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    dataset.nextId += 1;
    dataset.overrides.set(item.id, item);
    dataset.byCreated.insert(at.getTime(), item.id);
    dataset.byUpdated.insert(at.getTime(), item.id);
    return item;
  }

  /** Applies a patch and bumps updatedAt to the change time (strictly later than any before). */
  updateItem(name: string, id: number, patch: ItemPatch): Item {
    const dataset = this.getDatasetOrThrow(name);
    const current = itemOf(dataset, id);
    if (!current) throw new ItemNotFoundError(name, id);
    const previousMs = Date.parse(current.updatedAt);
    const at = this.tick(dataset);
    const item: Item = Object.freeze({
      ...current,
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.price === undefined ? {} : { price: patch.price }),
      ...(patch.quantity === undefined ? {} : { quantity: patch.quantity }),
      updatedAt: at.toISOString(),
    });
    dataset.overrides.set(id, item);
    dataset.byUpdated.remove(previousMs, id);
    dataset.byUpdated.insert(at.getTime(), id);
    return item;
  }

  deleteItem(name: string, id: number): void {
    const dataset = this.getDatasetOrThrow(name);
    const current = itemOf(dataset, id);
    if (!current) throw new ItemNotFoundError(name, id);
    dataset.overrides.delete(id);
    if (dataset.columns && id <= dataset.columns.count) dataset.deletedSeeds.add(id);
    dataset.byCreated.remove(Date.parse(current.createdAt), id);
    dataset.byUpdated.remove(Date.parse(current.updatedAt), id);
    this.tick(dataset);
  }

  private itemsOf(dataset: Dataset, ids: readonly number[]): Item[] {
    return ids.map((id) => {
      const item = itemOf(dataset, id);
      if (!item) throw new Error(`index names item ${id}, which the dataset does not hold`);
      return item;
    });
  }

  private getDatasetOrThrow(name: string): Dataset {
    const dataset = this.datasets.get(name);
    if (!dataset) throw new DatasetNotFoundError(name);
    return dataset;
  }

  /** The time of a change: the clock's, but always after the dataset's last change. */
  private tick(dataset: Dataset): Date {
    const ms = Math.max(this.clock.now().getTime(), dataset.lastModifiedMs + 1);
    dataset.lastModifiedMs = ms;
    return new Date(ms);
  }
}

function itemOf(dataset: Dataset, id: number): Item | undefined {
  const override = dataset.overrides.get(id);
  if (override) return override;
  const { columns } = dataset;
  if (!columns || id < 1 || id > columns.count || dataset.deletedSeeds.has(id)) return undefined;
  return seedItemAt(columns, id);
}

function summarize(name: string, dataset: Dataset): DatasetSummary {
  return {
    name,
    itemCount: dataset.byCreated.size,
    seed: dataset.seed,
    lastModified: new Date(dataset.lastModifiedMs).toISOString(),
  };
}
