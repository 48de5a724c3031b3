import { ARCHIVE_BATCH, compactMarkers, dueToArchive } from "@orders/core/adapters/ledger-fence";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("archiving settled markers", () => {
  it("writes the archive before it removes anything, and only settled markers, at most a batch", async () => {
    // Arrange: 60 settled markers and 5 held ones.
    const markers = Object.fromEntries([
      ...Array.from({ length: 60 }, (_, i) => [`s${i}`, "C1"]),
      ...Array.from({ length: 5 }, (_, i) => [`h${i}`, "H1"]),
    ]);
    const steps: string[] = [];
    // Act
    const removed = await compactMarkers<string>({
      markers,
      gen: 4,
      settled: (marker) => !marker.startsWith("H"),
      archive: async (batch) => {
        steps.push(`archive ${batch.length}`);
      },
      remove: async (batch, gen) => {
        steps.push(`remove ${batch.length} from gen ${gen}`);
        expect(batch.every(([key]) => key.startsWith("s"))).toBe(true);
        return true;
      },
    });
    // Assert
    expect(steps).toEqual([`archive ${ARCHIVE_BATCH}`, `remove ${ARCHIVE_BATCH} from gen 4`]);
    expect(removed).toBe(ARCHIVE_BATCH);
  });

  it("reports nothing removed when another writer moved gen first, and does nothing with no settled marker", async () => {
    const plan = {
      gen: 0,
      settled: (marker: string) => marker !== "H1",
      archive: async () => {},
      remove: async () => false,
    };
    expect(await compactMarkers({ ...plan, markers: { a: "C1", b: "R0" } })).toBe(0);
    let archived = false;
    const none = await compactMarkers({
      ...plan,
      markers: { a: "H1" },
      archive: async () => {
        archived = true;
      },
    });
    expect(none).toBe(0);
    expect(archived).toBe(false);
  });

  it("gives each run of settling writes exactly one archiver per multiple of archiveAt", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 200 }), (archiveAt, writes) => {
        // Each settling write leaves one more settled marker than the last (no archiving in between).
        const archivers = Array.from({ length: writes }, (_, i) => i + 1).filter((settled) =>
          dueToArchive(settled, archiveAt),
        );
        expect(archivers).toEqual(
          Array.from({ length: Math.floor(writes / archiveAt) }, (_, k) => (k + 1) * archiveAt),
        );
      }),
    );
  });
});
