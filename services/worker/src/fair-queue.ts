/**
 * Share of the batch slots each priority level gets while several levels have items queued, by
 * level (level 0 = priority 1): 4:2:1, so priority 1 takes 4 of every 7 slots under contention —
 * it jumps the queue — while priority 3 still gets 1 in 7 and is never starved. A level alone in
 * the queue takes every slot.
 */
export const PRIORITY_SHARE_WEIGHTS: readonly number[] = [4, 2, 1];

/** Who an item counts against, and that tenant's share weight. */
export interface TenantShare {
  /** The tenant's name; items of an empty name count as one shared tenant. */
  tenant: string;
  /** The tenant's share of a level's slots relative to the others'; below 1 counts as 1. */
  weight: number;
}

interface TenantQueue<E> {
  readonly tenant: string;
  items: E[];
  weight: number;
  /** Slots left in this tenant's current turn (deficit round robin, one slot per item). */
  deficit: number;
}

interface Level<E> {
  /** Tenants with queued items in round-robin order: the first one's turn is current or next. */
  tenants: Map<string, TenantQueue<E>>;
  /** The tenant whose turn is in progress, if any. */
  current: TenantQueue<E> | undefined;
  /** Smooth weighted round robin credit among the non-empty levels. */
  credit: number;
  size: number;
}

/**
 * The queue batches are filled from: per priority level, per tenant. Each slot of a batch goes to a
 * level by smooth weighted round robin over the non-empty levels (`PRIORITY_SHARE_WEIGHTS`), and
 * within the level to a tenant by deficit round robin: a tenant's turn takes `weight` items, then
 * the next tenant's turn begins, so a tenant that floods the queue waits its turn like any other.
 * A tenant's queue is dropped as soon as it is empty, so what it keeps is bounded by the items
 * queued, whatever tenant names arrive.
 */
export class FairQueue<E> {
  readonly #levels: Level<E>[];
  #size = 0;

  /** @param levels number of priority levels; level 0 is the highest. */
  constructor(levels: number) {
    this.#levels = Array.from({ length: Math.max(1, levels) }, () => ({
      tenants: new Map(),
      current: undefined,
      credit: 0,
      size: 0,
    }));
  }

  /** Items queued. */
  get size(): number {
    return this.#size;
  }

  /** Tenant queues kept, over all levels (each holds at least one item). */
  get tenantQueueCount(): number {
    return this.#levels.reduce((sum, level) => sum + level.tenants.size, 0);
  }

  /** Queues an item at a priority level (clamped to the levels there are) behind its tenant's others. */
  push(item: E, level: number, share: TenantShare): void {
    const target = this.#levels[Math.min(Math.max(level, 0), this.#levels.length - 1)] as Level<E>;
    const weight = Math.max(1, share.weight);
    let queue = target.tenants.get(share.tenant);
    if (queue === undefined) {
      queue = { tenant: share.tenant, items: [], weight, deficit: 0 };
      target.tenants.set(share.tenant, queue);
    }
    // The newest job's weight counts: a tier whose weight changed applies from its next job on.
    queue.weight = weight;
    queue.items.push(item);
    target.size += 1;
    this.#size += 1;
  }

  /** Every queued item, in no particular order. */
  *items(): IterableIterator<E> {
    for (const level of this.#levels) {
      for (const queue of level.tenants.values()) yield* queue.items;
    }
  }

  /**
   * Removes and returns up to `count` items, in the order the weighted round robins give them.
   * `fits`, asked once about each next item, can end the take early: the item it refuses stays first
   * in line for the next take, as if this take had stopped before it. The first item is always taken.
   */
  take(count: number, fits: (item: E) => boolean = () => true): E[] {
    const taken: E[] = [];
    while (taken.length < count && this.#size > 0) {
      const { level, undo } = this.#pickLevel();
      const next = this.#turnHolder(level);
      if (!fits(next.items[0] as E) && taken.length > 0) {
        undo();
        break;
      }
      taken.push(this.#takeFrom(level, next));
    }
    return taken;
  }

  /** Removes and returns the items `predicate` selects. */
  removeWhere(predicate: (item: E) => boolean): E[] {
    const removed: E[] = [];
    for (const level of this.#levels) {
      for (const queue of level.tenants.values()) {
        const kept: E[] = [];
        for (const item of queue.items) (predicate(item) ? removed : kept).push(item);
        if (kept.length === queue.items.length) continue;
        level.size -= queue.items.length - kept.length;
        queue.items = kept;
        if (kept.length === 0) this.#dropTenant(level, queue);
      }
    }
    this.#size -= removed.length;
    return removed;
  }

  /** Removes and returns every queued item. */
  clear(): E[] {
    return this.removeWhere(() => true);
  }

  /**
   * Smooth weighted round robin (as nginx balances upstreams) over the levels with items, and how
   * to take the pick back (when the item it would give is not taken after all).
   */
  #pickLevel(): { level: Level<E>; undo: () => void } {
    let best: Level<E> | undefined;
    let total = 0;
    const credited: [Level<E>, number][] = [];
    for (const [index, level] of this.#levels.entries()) {
      if (level.size === 0) continue;
      const weight = PRIORITY_SHARE_WEIGHTS[index] ?? 1;
      level.credit += weight;
      total += weight;
      credited.push([level, weight]);
      // Strictly greater: on a tie the higher priority wins.
      if (best === undefined || level.credit > best.credit) best = level;
    }
    const picked = best as Level<E>;
    picked.credit -= total;
    const undo = () => {
      picked.credit += total;
      for (const [level, weight] of credited) level.credit -= weight;
    };
    return { level: picked, undo };
  }

  /**
   * Deficit round robin over the level's tenants: the tenant whose turn it is, with a slot left in
   * it; the level has at least one item. A new turn adds the tenant's weight to its slots.
   */
  #turnHolder(level: Level<E>): TenantQueue<E> {
    for (;;) {
      const [tenant, queue] = level.tenants.entries().next().value as [string, TenantQueue<E>];
      if (level.current !== queue) {
        queue.deficit += queue.weight;
        level.current = queue;
      }
      if (queue.deficit >= 1) return queue;
      // Its turn is over: to the back of the round.
      level.tenants.delete(tenant);
      level.tenants.set(tenant, queue);
      level.current = undefined;
    }
  }

  /** Takes the first item of `queue`, the turn holder of `level`. */
  #takeFrom(level: Level<E>, queue: TenantQueue<E>): E {
    queue.deficit -= 1;
    const item = queue.items.shift() as E;
    level.size -= 1;
    this.#size -= 1;
    if (queue.items.length === 0) this.#dropTenant(level, queue);
    return item;
  }

  #dropTenant(level: Level<E>, queue: TenantQueue<E>): void {
    level.tenants.delete(queue.tenant);
    if (level.current === queue) level.current = undefined;
    // An emptied level starts afresh when items return, neither owed nor owing slots.
    if (level.size === 0) level.credit = 0;
  }
}
