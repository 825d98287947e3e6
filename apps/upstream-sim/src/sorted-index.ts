// An ordered set of (key, id) entries, ordered by key then id: a time in ms and an item id.
// Entries live in blocks of at most BLOCK_SIZE (two typed arrays, 12 bytes an entry), the
// idea of Python's sortedcontainers. Finding a position by rank or by key and reading a
// run of entries cost O(log n + run); inserting or removing one entry costs O(BLOCK_SIZE)
// plus, on the next read, O(n / BLOCK_SIZE) to refresh the block offsets. So serving one
// page of a million-entry index never touches the rest of it, and nothing is re-sorted.

export const BLOCK_SIZE = 1024;

interface Block {
  keys: Float64Array;
  ids: Int32Array;
  size: number;
}

function newBlock(capacity: number): Block {
  return { keys: new Float64Array(capacity), ids: new Int32Array(capacity), size: 0 };
}

/** True when (k1, i1) sorts before (k2, i2). */
function before(k1: number, i1: number, k2: number, i2: number): boolean {
  return k1 < k2 || (k1 === k2 && i1 < i2);
}

export class SortedIndex {
  private blocks: Block[] = [];
  /** Position of each block's first entry; rebuilt on the first read after a change. */
  private starts: Int32Array | undefined;
  private count = 0;

  /** Builds an index from entries already in order (key, then id), without sorting. */
  static fromSorted(keys: ArrayLike<number>, ids: ArrayLike<number>): SortedIndex {
    if (keys.length !== ids.length) throw new RangeError('keys and ids differ in length');
    const index = new SortedIndex();
    for (let start = 0; start < keys.length; start += BLOCK_SIZE) {
      const size = Math.min(BLOCK_SIZE, keys.length - start);
      const block = newBlock(size);
      for (let i = 0; i < size; i += 1) {
        block.keys[i] = keys[start + i] as number;
        block.ids[i] = ids[start + i] as number;
      }
      block.size = size;
      index.blocks.push(block);
    }
    index.count = keys.length;
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** Number of entries before (key, id); with `inclusive`, (key, id) itself counts too. */
  rank(key: number, id: number, inclusive = false): number {
    const starts = this.blockStarts();
    const b = this.blockFor(key, id, inclusive);
    if (b === this.blocks.length) return this.count;
    return (starts[b] as number) + this.boundIn(this.blocks[b] as Block, key, id, inclusive);
  }

  /** Adds an entry; false (and no change) when it is already there. */
  insert(key: number, id: number): boolean {
    if (this.blocks.length === 0) this.blocks.push(newBlock(16));
    let b = Math.min(this.blockFor(key, id, false), this.blocks.length - 1);
    let block = this.blocks[b] as Block;
    let at = this.boundIn(block, key, id, false);
    if (at < block.size && block.keys[at] === key && block.ids[at] === id) return false;
    if (block.size === BLOCK_SIZE) {
      const half = BLOCK_SIZE / 2;
      const right = newBlock(BLOCK_SIZE);
      right.keys.set(block.keys.subarray(half));
      right.ids.set(block.ids.subarray(half));
      right.size = BLOCK_SIZE - half;
      const left = newBlock(BLOCK_SIZE);
      left.keys.set(block.keys.subarray(0, half));
      left.ids.set(block.ids.subarray(0, half));
      left.size = half;
      this.blocks.splice(b, 1, left, right);
      if (at > half) {
        b += 1;
        at -= half;
      }
      block = this.blocks[b] as Block;
    } else if (block.size === block.keys.length) {
      const grown = newBlock(Math.min(BLOCK_SIZE, block.size * 2));
      grown.keys.set(block.keys);
      grown.ids.set(block.ids);
      grown.size = block.size;
      this.blocks[b] = grown;
      block = grown;
    }
    block.keys.copyWithin(at + 1, at, block.size);
    block.ids.copyWithin(at + 1, at, block.size);
    block.keys[at] = key;
    block.ids[at] = id;
    block.size += 1;
    this.count += 1;
    this.starts = undefined;
    return true;
  }

  /** Removes an entry; false when it was not there. */
  remove(key: number, id: number): boolean {
    const b = this.blockFor(key, id, false);
    const block = this.blocks[b];
    if (!block) return false;
    const at = this.boundIn(block, key, id, false);
    if (at >= block.size || block.keys[at] !== key || block.ids[at] !== id) return false;
    block.keys.copyWithin(at, at + 1, block.size);
    block.ids.copyWithin(at, at + 1, block.size);
    block.size -= 1;
    if (block.size === 0) this.blocks.splice(b, 1);
    this.count -= 1;
    this.starts = undefined;
    return true;
  }

  /** Ids at positions from, from+1, ... (at most `limit`, stopping at the end). */
  idsAscending(from: number, limit: number): number[] {
    const ids: number[] = [];
    if (from < 0 || from >= this.count || limit <= 0) return ids;
    let b = this.blockAt(from);
    let i = from - (this.blockStarts()[b] as number);
    while (ids.length < limit && b < this.blocks.length) {
      const block = this.blocks[b] as Block;
      for (; i < block.size && ids.length < limit; i += 1) ids.push(block.ids[i] as number);
      b += 1;
      i = 0;
    }
    return ids;
  }

  /** Ids at positions from, from-1, ... (at most `limit`, stopping at the start). */
  idsDescending(from: number, limit: number): number[] {
    const ids: number[] = [];
    if (from < 0 || from >= this.count || limit <= 0) return ids;
    let b = this.blockAt(from);
    let i = from - (this.blockStarts()[b] as number);
    while (ids.length < limit && b >= 0) {
      const block = this.blocks[b] as Block;
      for (; i >= 0 && ids.length < limit; i -= 1) ids.push(block.ids[i] as number);
      b -= 1;
      i = (this.blocks[b]?.size ?? 0) - 1;
    }
    return ids;
  }

  private blockStarts(): Int32Array {
    if (!this.starts) {
      const starts = new Int32Array(this.blocks.length);
      let position = 0;
      for (const [b, block] of this.blocks.entries()) {
        starts[b] = position;
        position += block.size;
      }
      this.starts = starts;
    }
    return this.starts;
  }

  /** The block holding position `position` (0 <= position < size). */
  private blockAt(position: number): number {
    const starts = this.blockStarts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((starts[mid] as number) <= position) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /**
   * The first block whose last entry is at or after (key, id) (after it, when
   * `inclusive`): where the bound falls. blocks.length when it falls past the end.
   */
  private blockFor(key: number, id: number, inclusive: boolean): number {
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const block = this.blocks[mid] as Block;
      const last = block.size - 1;
      const lastKey = block.keys[last] as number;
      const lastId = block.ids[last] as number;
      const lastIsBelow = inclusive ? !before(key, id, lastKey, lastId) : before(lastKey, lastId, key, id);
      if (lastIsBelow) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Within a block: the number of entries before (key, id), or at-or-before when `inclusive`. */
  private boundIn(block: Block, key: number, id: number, inclusive: boolean): number {
    let low = 0;
    let high = block.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const k = block.keys[mid] as number;
      const i = block.ids[mid] as number;
      const below = inclusive ? !before(key, id, k, i) : before(k, i, key, id);
      if (below) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
