/**
 * SST's physical naming (anomalyco/sst: platform/src/components/naming.ts,
 * `prefixName`, and component.ts's per-type length limits), restated here to
 * reason about names for any stage without running the platform.
 * test/preview/naming.test.ts checks it against the names the real platform
 * produced for every stage the preview runs.
 */

/** The length limit SST applies per resource type, and whether it lowercases. */
export const NAME_RULES: Record<string, { field: string; max: number; lower?: boolean }> = {
  "aws:lambda/function:Function": { field: "name", max: 64 },
  "aws:iam/role:Role": { field: "name", max: 64 },
  "aws:sqs/queue:Queue": { field: "name", max: 80 },
  "aws:sns/topic:Topic": { field: "name", max: 256 },
  "aws:dynamodb/table:Table": { field: "name", max: 255 },
  "aws:s3/bucket:Bucket": { field: "bucket", max: 63, lower: true },
  "aws:apigatewayv2/api:Api": { field: "name", max: 128 },
  "aws:cloudwatch/eventRule:EventRule": { field: "name", max: 64 },
  "aws:scheduler/schedule:Schedule": { field: "name", max: 64 },
};

/** The random part SST appends: `-` and 8 characters of its alphabet. */
export const RANDOM_SUFFIX = /-[abcdefhkmnorstuvwxz]{8}$/;

/**
 * `<app>-<stage>-<name>` within `max` characters: the app is cut short first;
 * if even one character of it does not fit, `<stage>-<name>` (the stage cut
 * short); if the name alone is too long, the name, cut.
 */
export function prefixName(app: string, stage: string, max: number, logical: string): string {
  const name = logical.replace(/[^a-zA-Z0-9]/g, "");
  if (name.length + 1 >= max) return name.substring(0, max);
  if (name.length + stage.length + 2 >= max) return `${stage.substring(0, max - name.length - 1)}-${name}`;
  return `${app.substring(0, max - stage.length - name.length - 2)}-${stage}-${name}`;
}

/** The physical name without its random suffix, for a resource of `type` named `logical`. */
export function physicalPrefix(app: string, stage: string, type: string, logical: string): string | undefined {
  const rule = NAME_RULES[type];
  if (!rule) return undefined;
  const prefix = prefixName(app, stage, rule.max - 9, logical);
  return rule.lower ? prefix.toLowerCase() : prefix;
}
