/**
 * The preview tier's setup: the SST platform of the locked version (extracted
 * and installed once per version), then the app run for every stage under
 * Pulumi's mocks. The tests read the graphs the stages wrote.
 */
import { ensurePlatform } from "./platform.ts";
import { STAGES, synthStage } from "./stages.ts";

export default async function setup() {
  const log = (line: string) => process.stdout.write(`[preview] ${line}\n`);
  const platform = ensurePlatform(log);
  const started = performance.now();
  const synths = await Promise.all(STAGES.map((stage) => synthStage(platform.dir, stage)));
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const counts = synths
    .map((synth) => `${synth.stage} ${synth.resources.length} (${synth.resources.filter((r) => r.custom).length} AWS)`)
    .join(", ");
  log(
    `sst ${platform.version} platform ${platform.fresh ? `installed in ${platform.seconds} s` : "cached"}; stages run in ${seconds} s (resources: ${counts})`,
  );
}
