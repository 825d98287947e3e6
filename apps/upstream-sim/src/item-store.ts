// In-memory datasets of items: seeding, newest-first listing and admin edits. No HTTP
// and no wall clock (time comes from the injected Clock), so every behaviour is testable
// directly. Ids are monotonic per dataset and never reused after a delete; a reseed
// replaces the dataset wholesale, ids included.
import type { Clock } from './clock';
import { SEED_BASE_TIME_MS } from './constants';
import { DatasetNotFoundError, ItemNotFoundError } from './errors';
import type { Item, ItemPatch, NewItem } from './item';
import { seedItems } from './seed-items';

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

interface Dataset {
  items: Map<number, Item>;
  nextId: number;
  seed: number | null;
  lastModifiedMs: number;
  /** Newest-first view, rebuilt lazily after a change. */
  sorted: readonly Item[] | undefined;
}

function newestFirst(a: Item, b: Item): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return b.id - a.id;
}

export class ItemStore {
  private readonly datasets = new Map<string, Dataset>();

  constructor(private readonly clock: Clock) {}

  /** Creates or replaces a dataset with deterministic items; true when it is new. */
  seed(name: string, { seed, count }: SeedOptions): { created: boolean; summary: DatasetSummary } {
    const created = !this.datasets.has(name);
    const items = seedItems(seed, count);
    const lastModifiedMs = items.reduce((max, item) => Math.max(max, Date.parse(item.updatedAt)), SEED_BASE_TIME_MS);
    const dataset: Dataset = {
      items: new Map(items.map((item) => [item.id, item])),
      nextId: count + 1,
      seed,
      lastModifiedMs,
      sorted: undefined,
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

  /** Items newest first (createdAt desc, id desc), or undefined for an unknown dataset. */
  findNewestFirst(name: string): readonly Item[] | undefined {
    const dataset = this.datasets.get(name);
    if (!dataset) return undefined;
    dataset.sorted ??= [...dataset.items.values()].sort(newestFirst);
    return dataset.sorted;
  }

  lastModified(name: string): Date | undefined {
    const dataset = this.datasets.get(name);
    return dataset ? new Date(dataset.lastModifiedMs) : undefined;
  }

  getItemOrThrow(name: string, id: number): Item {
    const item = this.getDatasetOrThrow(name).items.get(id);
    if (!item) throw new ItemNotFoundError(name, id);
    return item;
  }

  /** Adds an item stamped with the clock's time, creating an empty dataset if needed. */
  createItem(name: string, input: NewItem): Item {
    let dataset = this.datasets.get(name);
    if (!dataset) {
      dataset = { items: new Map(), nextId: 1, seed: null, lastModifiedMs: 0, sorted: undefined };
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
    dataset.items.set(item.id, item);
    dataset.sorted = undefined;
    return item;
  }

  /** Applies a patch and bumps updatedAt (strictly later, even under a frozen clock). */
  updateItem(name: string, id: number, patch: ItemPatch): Item {
    const dataset = this.getDatasetOrThrow(name);
    const current = dataset.items.get(id);
    if (!current) throw new ItemNotFoundError(name, id);
    const at = this.tick(dataset, Date.parse(current.updatedAt));
    const item: Item = Object.freeze({
      ...current,
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.price === undefined ? {} : { price: patch.price }),
      ...(patch.quantity === undefined ? {} : { quantity: patch.quantity }),
      updatedAt: at.toISOString(),
    });
    dataset.items.set(id, item);
    dataset.sorted = undefined;
    return item;
  }

  deleteItem(name: string, id: number): void {
    const dataset = this.getDatasetOrThrow(name);
    if (!dataset.items.delete(id)) throw new ItemNotFoundError(name, id);
    this.tick(dataset);
    dataset.sorted = undefined;
  }

  private getDatasetOrThrow(name: string): Dataset {
    const dataset = this.datasets.get(name);
    if (!dataset) throw new DatasetNotFoundError(name);
    return dataset;
  }

  /** The time of a change: the clock's, but never at or before `notAfterMs`. */
  private tick(dataset: Dataset, notAfterMs = Number.NEGATIVE_INFINITY): Date {
    const ms = Math.max(this.clock.now().getTime(), notAfterMs + 1);
    dataset.lastModifiedMs = Math.max(dataset.lastModifiedMs, ms);
    return new Date(ms);
  }
}

function summarize(name: string, dataset: Dataset): DatasetSummary {
  return {
    name,
    itemCount: dataset.items.size,
    seed: dataset.seed,
    lastModified: new Date(dataset.lastModifiedMs).toISOString(),
  };
}
