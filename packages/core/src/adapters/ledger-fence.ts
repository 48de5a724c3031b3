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
 *   One that meets a full item archives the settled markers and tries again.
 *   Held markers stay: a full item of held markers refuses new ones (the
 *   attempt fails, and the queue retries it).
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
 * Markers per account item: a ledger marker is about 150 bytes, so an account
 * item stays under 4 KB (20 × 150 + its counters).
 */
export const ACCOUNT_MARKER_CAP = 20;

/** Markers per stock item: a reservation marker is about 40 bytes (its 33-byte key, `H2`), so under 4 KB. */
export const STOCK_MARKER_CAP = 80;

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
  remove: (keys: string[], gen: number) => Promise<boolean>;
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
  const removed = await plan.remove(
    settled.map(([key]) => key),
    plan.gen,
  );
  return removed ? settled.length : 0;
}

/** How many markers an item's map holds. */
export function markerCount(markers: unknown): number {
  return markers && typeof markers === "object" ? Object.keys(markers).length : 0;
}
