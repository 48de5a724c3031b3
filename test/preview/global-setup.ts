/**
 * The preview tier's setup: the SST platform of the locked version (extracted
 * and installed once per version), then the app run for every stage under
 * Pulumi's mocks. The tests read the graphs the stages wrote.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensurePlatform } from "@orders/harness/preview/platform";
import { graphDir, STAGES, synthStage } from "@orders/harness/preview/stages";

export default async function setup() {
  const log = (line: string) => process.stdout.write(`[preview] ${line}\n`);
  const platform = ensurePlatform(log);
  const started = performance.now();
  // Stages share their function bundles (the code does not depend on the stage), for this run only.
  const builds = join(graphDir, "..", "builds");
  rmSync(builds, { recursive: true, force: true });
  mkdirSync(builds, { recursive: true });
  const synths = await Promise.all(STAGES.map((stage) => synthStage(platform.dir, stage, builds))).finally(() =>
    rmSync(builds, { recursive: true, force: true }),
  );
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const counts = synths
    .map((synth) => `${synth.stage} ${synth.resources.length} (${synth.resources.filter((r) => r.custom).length} AWS)`)
    .join(", ");
  log(
    `sst ${platform.version} platform ${platform.fresh ? `installed in ${platform.seconds} s` : "cached"}; stages run in ${seconds} s (resources: ${counts})`,
  );
}
