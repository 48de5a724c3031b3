/**
 * Reads the IAM policy documents of a Terraform root module (stacks/foundation)
 * without Terraform: a small HCL reader for `terraform fmt`-formatted files,
 * and an evaluator for the expressions those documents use (string templates
 * over `var.*`, `local.*` and the AWS data sources, lists, `for` over a list,
 * `concat`). Anything else stays unevaluated and is reported as such.
 * Providers cannot be downloaded here, so `terraform console` cannot do it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Block {
  type: string;
  labels: string[];
  attributes: Record<string, string>;
  blocks: Block[];
}

/** Parses HCL into blocks whose attributes hold their expressions' source text. */
export function parseHcl(source: string): Block {
  const text = source
    .split("\n")
    .filter((line) => !/^\s*(#|\/\/)/.test(line))
    .join("\n");
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at] as string)) at++;
  };

  /** Reads an expression up to the end of its line, across brackets and strings. */
  function expression(): string {
    const start = at;
    let depth = 0;
    while (at < text.length) {
      const c = text[at] as string;
      if (c === '"') {
        at++;
        while (at < text.length && text[at] !== '"') {
          if (text[at] === "\\") at++;
          else if (text[at] === "$" && text[at + 1] === "{") {
            let inner = 0;
            while (at < text.length) {
              if (text[at] === "{") inner++;
              if (text[at] === "}" && --inner === 0) break;
              at++;
            }
          }
          at++;
        }
      } else if ("[({".includes(c)) depth++;
      else if ("])}".includes(c)) {
        if (depth === 0) break;
        depth--;
      } else if (c === "\n" && depth === 0) break;
      at++;
    }
    return text.slice(start, at).trim();
  }

  function body(type: string, labels: string[]): Block {
    const block: Block = { type, labels, attributes: {}, blocks: [] };
    while (true) {
      skipSpace();
      if (at >= text.length || text[at] === "}") {
        at++;
        return block;
      }
      const name = /^[A-Za-z_][\w-]*/.exec(text.slice(at))?.[0];
      if (!name) throw new Error(`HCL: unexpected ${JSON.stringify(text.slice(at, at + 30))}`);
      at += name.length;
      skipSpace();
      if (text[at] === "=") {
        at++;
        skipSpace();
        block.attributes[name] = expression();
        continue;
      }
      const blockLabels: string[] = [];
      while (text[at] === '"') {
        const end = text.indexOf('"', at + 1);
        blockLabels.push(text.slice(at + 1, end));
        at = end + 1;
        skipSpace();
      }
      if (text[at] !== "{") throw new Error(`HCL: expected { after ${name}`);
      at++;
      block.blocks.push(body(name, blockLabels));
    }
  }
  return body("file", []);
}

export type Value = string | boolean | number | Value[] | { unevaluated: string };

/** Values for `var.*` (the variables' defaults, overridable), `local.*` and the data sources. */
export interface Scope {
  vars: Record<string, Value>;
  locals: Record<string, string>;
  data: Record<string, Value>;
  iterators?: Record<string, Value>;
}

/** Splits a list literal's items at top-level commas. */
function splitTopLevel(inner: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] as string;
    if (c === '"' && inner[i - 1] !== "\\") inString = !inString;
    if (inString) continue;
    if ("[({".includes(c)) depth++;
    if ("])}".includes(c)) depth--;
    if (c === "," && depth === 0) {
      items.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  items.push(inner.slice(start));
  return items.map((item) => item.trim()).filter((item) => item !== "");
}

function flatten(list: Value[]): Value[] {
  return list.flatMap((item) => (Array.isArray(item) ? flatten(item) : [item]));
}

/** The Terraform functions the policies use; `undefined` when the arguments are not what they expect. */
const FUNCTIONS = {
  concat: (args: Value[]) => (args.every(Array.isArray) ? (args as Value[][]).flat() : undefined),
  flatten: (args: Value[]) => (Array.isArray(args[0]) ? flatten(args[0] as Value[]) : undefined),
  distinct: (args: Value[]) => (Array.isArray(args[0]) ? [...new Set(args[0] as Value[])] : undefined),
  substr: ([text, offset, length]: Value[]) =>
    typeof text === "string" && typeof offset === "number" && typeof length === "number"
      ? text.substring(offset, length < 0 ? undefined : offset + length)
      : undefined,
};

/** Evaluates the expressions policy documents use; anything else comes back `{ unevaluated }`. */
export function evaluate(source: string, scope: Scope): Value {
  const expr = source.trim();
  if (expr === "true" || expr === "false") return expr === "true";
  if (/^-?\d+(\.\d+)?$/.test(expr)) return Number(expr);
  if (/^"([^"\\]|\\.)*"$/.test(expr)) {
    return expr.slice(1, -1).replace(/\$\{([^}]+)\}/g, (_, inner: string) => {
      const value = evaluate(inner, scope);
      if (typeof value === "object") throw new Error(`cannot interpolate ${inner}`);
      return String(value);
    });
  }
  const forList = /^\[\s*for\s+(\w+)\s+in\s+([\w.]+)\s*:\s*([\s\S]+)\]$/.exec(expr);
  if (forList) {
    const [, name, listRef, body] = forList as unknown as [string, string, string, string];
    const list = evaluate(listRef, scope);
    if (!Array.isArray(list)) return { unevaluated: expr };
    return list.map((item) => evaluate(body, { ...scope, iterators: { ...scope.iterators, [name]: item } }));
  }
  if (expr.startsWith("[") && expr.endsWith("]"))
    return splitTopLevel(expr.slice(1, -1)).map((item) => evaluate(item, scope));
  const call = /^(concat|flatten|distinct|substr)\(([\s\S]*)\)$/.exec(expr);
  if (call) {
    const args = splitTopLevel(call[2] as string).map((part) => evaluate(part, scope));
    const result = FUNCTIONS[call[1] as keyof typeof FUNCTIONS](args);
    return result ?? { unevaluated: expr };
  }
  const ref = /^(var|local|data|each)\.([\w.[\]]+)$/.exec(expr) ?? /^(\w+)$/.exec(expr);
  if (ref) {
    if (ref.length === 2 && scope.iterators && ref[1] && ref[1] in scope.iterators)
      return scope.iterators[ref[1]] as Value;
    const [, kind, path] = ref as unknown as [string, string, string];
    if (kind === "var" && path in scope.vars) return scope.vars[path] as Value;
    if (kind === "local" && path in scope.locals) return evaluate(scope.locals[path] as string, scope);
    if (kind === "data" && path in scope.data) return scope.data[path] as Value;
  }
  return { unevaluated: expr };
}

export interface PolicyDocument {
  statements: {
    sid?: string;
    effect: string;
    actions: string[];
    resources: string[];
    principals: { type: string; identifiers: string[] }[];
    conditions: { test: string; variable: string; values: string[] }[];
  }[];
}

/** A list of strings; an item that cannot be evaluated here becomes `<unevaluated: …>`, which matches nothing. */
const strings = (value: Value | undefined, what: string): string[] => {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === "string") return item;
    if (typeof item === "object" && "unevaluated" in item) return `<unevaluated: ${item.unevaluated}>`;
    throw new Error(`${what} holds a non-string: ${JSON.stringify(item)}`);
  });
};

/** A Terraform root module's `aws_iam_policy_document` data sources, evaluated. */
export class TerraformModule {
  readonly files: Block[];
  readonly scope: Scope;

  constructor(
    dir: string,
    context: { account: string; region: string; partition: string },
    overrides: Record<string, Value> = {},
  ) {
    this.files = readdirSync(dir)
      .filter((file) => file.endsWith(".tf"))
      .map((file) => parseHcl(readFileSync(join(dir, file), "utf8")));
    const all = this.files.flatMap((file) => file.blocks);
    const vars: Record<string, Value> = {};
    for (const block of all.filter((b) => b.type === "variable")) {
      const fallback = block.attributes.default;
      if (fallback !== undefined)
        vars[block.labels[0] as string] = evaluate(fallback, { vars: {}, locals: {}, data: {} });
    }
    Object.assign(vars, { region: context.region }, overrides);
    const locals: Record<string, string> = {};
    for (const block of all.filter((b) => b.type === "locals")) Object.assign(locals, block.attributes);
    this.scope = {
      vars,
      locals,
      data: {
        "aws_partition.current.partition": context.partition,
        "aws_caller_identity.current.account_id": context.account,
        "aws_region.current.region": context.region,
        "aws_region.current.name": context.region,
      },
    };
  }

  private get blocks(): Block[] {
    return this.files.flatMap((file) => file.blocks);
  }

  /** A `data "aws_iam_policy_document" "<name>"`, evaluated statement by statement. */
  policyDocument(name: string): PolicyDocument {
    const block = this.blocks.find(
      (b) => b.type === "data" && b.labels[0] === "aws_iam_policy_document" && b.labels[1] === name,
    );
    if (!block) throw new Error(`no aws_iam_policy_document "${name}"`);
    const get = (b: Block, key: string) =>
      b.attributes[key] === undefined ? undefined : evaluate(b.attributes[key] as string, this.scope);
    return {
      statements: block.blocks
        .filter((b) => b.type === "statement")
        .map((statement) => ({
          sid: get(statement, "sid") as string | undefined,
          effect: (get(statement, "effect") as string | undefined) ?? "Allow",
          actions: strings(get(statement, "actions"), "actions"),
          resources: strings(get(statement, "resources"), "resources"),
          principals: statement.blocks
            .filter((b) => b.type === "principals")
            .map((p) => ({
              type: get(p, "type") as string,
              identifiers: strings(get(p, "identifiers"), "identifiers"),
            })),
          conditions: statement.blocks
            .filter((b) => b.type === "condition")
            .map((c) => ({
              test: get(c, "test") as string,
              variable: get(c, "variable") as string,
              values: strings(get(c, "values"), "values"),
            })),
        })),
    };
  }

  /** Every resource block of a type, with its attributes' source text. */
  resources(type: string): Block[] {
    return this.blocks.filter((b) => b.type === "resource" && b.labels[0] === type);
  }

  attribute(block: Block, key: string): Value | undefined {
    const source = block.attributes[key];
    return source === undefined ? undefined : evaluate(source, this.scope);
  }
}
