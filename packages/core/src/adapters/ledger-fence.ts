/**
 * Bounded ledger items: how a stock or account item keeps its markers few,
 * and why a transfer still applies once.
 *
 * Every reservation and transfer is a marker in its sku's or account's item,
 * set by the same conditional write that moves the counters: that is what
 * makes it apply once. Markers of settled effects (committed, released,
 * returned; posted, voided) are archived out of the item, each as its own
 * item, so that the item stays small at any volume:
 *
 * - **The cap.** Every write that adds a marker requires `size(map) < cap`.
 *   Every write that adds or settles one asks for the item back: the write
 *   that makes the settled markers reach a multiple of `archiveAt` archives
 *   them (`dueToArchive`). One that meets a full item (that archiving failed,
 *   or writers outran it) archives them itself and tries again. Held markers
 *   stay: a full item of held markers refuses new ones until its holds settle
 *   (the writer waits a little, then fails the attempt, and the queue retries
 *   it).
 * - **Archiving** (`compactMarkers`) writes each settled marker's archive
 *   item first, then removes the markers from the item and adds 1 to its
 *   generation `gen`, on condition that `gen` is still what it read.
 * - **The fence.** A marker that is not in the item may have been archived.
 *   So a write that adds a marker requires the item's `gen` to be one the
 *   writer read *before* it looked in the archive and found nothing there.
 *   If archiving removed the marker, it wrote the archive item before it
 *   changed `gen`: either the writer's look found it, or `gen` has moved and
 *   the write is refused, and the writer looks again. A redelivery, or a run
 *   that a crash left half done, can never apply an effect twice.
 *
 * A writer remembers each item's `gen` (`Generations`); an item that was never
 * archived (`gen` absent) needs no look in the archive at all.
 */

/**
 * Markers per account item, at most: the hard bound. A ledger marker is about
 * 120 bytes with ids of 20 characters, and the rest of the item about 200;
 * with the longest ids (64 characters) and voids that record a reason, about
 * 250: 14 keep any account item under 4 KB
 * (test/integration/bounded-ledgers.test.ts fills one). Only markers still
 * held can pile up towards it: settled ones are archived in threes (see
 * `ACCOUNT_ARCHIVE_AT`), so an account with a few payments in flight stays
 * under 1 KB, one write unit a write. The cap bounds the payments one payer
 * can have in flight at once, a failed attempt's hold included until its
 * retry settles it: a hold that meets a full item waits for room.
 */
export const ACCOUNT_MARKER_CAP = 14;

/** Settled markers that start an account's archiving: see `dueToArchive`. */
export const ACCOUNT_ARCHIVE_AT = 3;

/**
 * Markers per stock item, at most: a reservation marker is about 36 bytes
 * (its 33-byte key, `H2`), 40 with the largest quantities, and the rest of the
 * item 170 to 280: 90 keep any stock item under 4 KB. Settled ones are
 * archived in eights, so a sku with a few orders in flight stays under 1 KB.
 */
export const STOCK_MARKER_CAP = 90;

/** Settled markers that start a sku's archiving. */
export const STOCK_ARCHIVE_AT = 8;

/**
 * Whether the write that left `settled` settled markers in its item is the
 * one to archive them: each write that settles a marker (a post, a void, a
 * commit, a release; a credit, a deposit or a return, settled as they are
 * written) adds one, so exactly one write reaches each multiple of
 * `archiveAt`, and one writer archives while the others keep writing.
 */
export const dueToArchive = (settled: number, archiveAt: number) => settled >= archiveAt && settled % archiveAt === 0;

/** Markers archived by one removal: keeps the expression well inside DynamoDB's 4 KB limit. */
export const ARCHIVE_BATCH = 50;

/** The `gen` each item had when this writer last read it; 0 for an item never archived. */
export class Generations {
  readonly #seen = new Map<string, number>();

  get(id: string): number {
    return this.#seen.get(id) ?? 0;
  }

  learn(id: string, gen: number | undefined): void {
    this.#seen.set(id, gen ?? 0);
  }
}

export interface CompactionPlan<M> {
  /** The markers the item holds now, by map key, and the `gen` read with them. */
  markers: Record<string, M>;
  gen: number;
  settled: (marker: M) => boolean;
  /** Writes the archive item of each marker; idempotent (the same content every time). */
  archive: (markers: [key: string, marker: M][]) => Promise<void>;
  /** Removes these markers and moves `gen` from `gen` to `gen + 1`; false when `gen` had moved. */
  remove: (markers: [key: string, marker: M][], gen: number) => Promise<boolean>;
}

/**
 * Archives up to `ARCHIVE_BATCH` settled markers of one item. Returns how
 * many it removed: 0 when none was settled or another writer archived first
 * (the caller reads the item again either way).
 */
export async function compactMarkers<M>(plan: CompactionPlan<M>): Promise<number> {
  const settled = Object.entries(plan.markers)
    .filter(([, marker]) => plan.settled(marker))
    .slice(0, ARCHIVE_BATCH);
  if (settled.length === 0) return 0;
  await plan.archive(settled);
  const removed = await plan.remove(settled, plan.gen);
  return removed ? settled.length : 0;
}

/** A writer that met a full item with nothing to archive waits for holds to settle: 10, 20, 40 … 200 ms. */
export function waitForRoom(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt)));
}

/** What a `MarkerFence` needs to know of one kind of item (a sku's stock, an account). */
export interface FencedKind<I> {
  cap: number;
  archiveAt: number;
  /** How many of the item's markers are settled. */
  settledOf: (item: I) => number;
  idOf: (item: I) => string;
  genOf: (item: I) => number | undefined;
  markersOf: (item: I) => unknown;
  /** A consistent read of the item. */
  read: (id: string) => Promise<I | null>;
  /** Archives the item's settled markers; how many it removed (see `compactMarkers`). */
  compact: (item: I) => Promise<number>;
}

/**
 * The fence's bookkeeping for one adapter and one kind of item: the `gen` it
 * last read of each, the fence of a write that adds a marker, and what to do
 * after such a write, applied or refused.
 */
export class MarkerFence<I> {
  readonly #gens = new Generations();
  readonly #kind: FencedKind<I>;

  constructor(kind: FencedKind<I>) {
    this.#kind = kind;
  }

  learn(id: string, gen: number | undefined): void {
    this.#gens.learn(id, gen);
  }

  /** The fence of a write that adds a marker to the item: the `gen` last read (look in the archive when > 0). */
  fence(id: string): { gen: number; cap: number } {
    return { gen: this.#gens.get(id), cap: this.#kind.cap };
  }

  /**
   * After a refused write that adds a marker, with the marker not in the
   * item: true when `gen` moved since the fence's look in the archive. The
   * writer must look again before it reads anything else into the refusal
   * (the marker may have been archived, settled).
   */
  genMoved(current: I, fence: { gen: number }): boolean {
    if ((this.#kind.genOf(current) ?? 0) === fence.gen) return false;
    this.learn(this.#kind.idOf(current), this.#kind.genOf(current));
    return true;
  }

  /**
   * A full item: archive its settled markers, 50 a write (one from before
   * archiving may hold thousands); if it is still full, of held markers, wait
   * a little for them to settle.
   */
  async makeRoom(current: I, attempt: number): Promise<void> {
    let item: I | null = current;
    // Down to fewer settled markers than start an archiving, so that the item is small again, not just under its cap.
    while (item && this.#kind.settledOf(item) >= this.#kind.archiveAt) {
      if ((await this.#kind.compact(item)) === 0) break;
      item = await this.#kind.read(this.#kind.idOf(current));
    }
    if (item && markerCount(this.#kind.markersOf(item)) >= this.#kind.cap) await waitForRoom(attempt);
  }

  /** After a write that added a held marker, with the item it left: only the `gen` to learn (nothing settled). */
  learnFrom(after: I | null): void {
    if (after) this.learn(this.#kind.idOf(after), this.#kind.genOf(after));
  }

  /** After a write that added or settled a marker, with the item it left: archive if it is this write's turn. */
  async archiveIfDue(after: I | null): Promise<void> {
    if (!after) return;
    this.learn(this.#kind.idOf(after), this.#kind.genOf(after));
    if (!dueToArchive(this.#kind.settledOf(after), this.#kind.archiveAt)) return;
    // The effect is applied: a failed archiving only leaves it to the next writer that finds the item full.
    await this.#kind.compact(after).catch(() => 0);
  }
}

/** How many markers an item's map holds. */
export function markerCount(markers: unknown): number {
  return markers && typeof markers === "object" ? Object.keys(markers).length : 0;
}
