import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { apiEvent } from "@orders/harness/factories";
import { build } from "esbuild";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { deadLettersPanel } from "../../../packages/functions/src/console/dead-letters.ts";
import { consolePage } from "../../../packages/functions/src/console/page.ts";
import type { HttpResponse } from "../../../packages/functions/src/http/responses.ts";

const dir = join(import.meta.dirname, "../../../packages/functions/src/console");
const modules = readdirSync(dir)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => join(dir, file));
// The functions page.ts serializes into the page with toString().
const BROWSER_FUNCTIONS = [
  "consoleKit",
  "consoleShell",
  "deadLettersTab",
  "overviewTab",
  "ordersTab",
  "orderView",
  "orderTrace",
  "orderList",
  "stockAccountsTab",
  "auditTab",
  "notificationLettersTab",
  "webhooksTab",
  "circuitState",
];
// What the page may weigh on the wire (gzipped, minified): a budget, so that growth is a decision.
// 12 KB until #18's Notifications DLQ and Webhooks tabs, which add about 1.9 KB; 14 KB until the order
// view's trace waterfall (console/trace.ts), which adds about 0.6 KB.
const GZIP_BUDGET = 15 * 1024;

const scriptOf = (page: string) => page.slice(page.indexOf("<script>") + 8, page.lastIndexOf("</script>"));
const styleOf = (page: string) => page.slice(page.indexOf("<style>") + 7, page.lastIndexOf("</style>"));
const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The CSP's directives, by name, each with its sources. */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** The console handler as deployed: bundled and minified the way SST's Node builder does. */
async function deployedHandler(): Promise<(event: unknown) => Promise<HttpResponse>> {
  const result = await build({
    entryPoints: [join(dir, "../api/console.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "es2024",
    keepNames: true,
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)).handler;
}

/** Identifiers in `fn` that name a value declared at the top of a console module: they would be undefined in the page. */
function outerValuesUsed(program: ts.Program, fn: ts.FunctionDeclaration): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const topLevel = (decl: ts.Declaration) =>
    ts.isSourceFile(decl.parent) ||
    (ts.isVariableDeclaration(decl) && ts.isSourceFile(decl.parent.parent.parent)) ||
    ts.isImportSpecifier(decl) ||
    ts.isImportClause(decl) ||
    ts.isNamespaceImport(decl);
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isIdentifier(node)) {
      const declarations = checker.getSymbolAtLocation(node)?.declarations ?? [];
      const outer = declarations.filter(
        (decl) => !decl.getSourceFile().isDeclarationFile && topLevel(decl) && decl.pos < fn.pos && decl !== fn,
      );
      if (outer.length > 0) found.push(node.text);
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  for (const parameter of fn.parameters) if (parameter.initializer) visit(parameter.initializer);
  return found;
}

describe("the console page", () => {
  it("is self-contained: each serialized function uses only its arguments and the browser's globals", () => {
    // Arrange
    const program = ts.createProgram(modules, {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2024.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      noEmit: true,
    });
    const functions = program
      .getSourceFiles()
      .filter((file) => modules.includes(file.fileName))
      .flatMap((file) => file.statements.filter(ts.isFunctionDeclaration));

    // Act
    const leaks = Object.fromEntries(
      functions
        .filter((fn) => BROWSER_FUNCTIONS.includes(fn.name?.text ?? ""))
        .map((fn) => [fn.name?.text, outerValuesUsed(program, fn)]),
    );

    // Assert
    expect(Object.keys(leaks).sort()).toEqual([...BROWSER_FUNCTIONS].sort());
    for (const [name, used] of Object.entries(leaks)) expect(used, name).toEqual([]);
  }, 60_000);

  it("never parses data as HTML", () => {
    for (const file of modules) {
      expect(readFileSync(file, "utf8"), file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it("has tabs, each controlling one panel, and unique ids and labels", () => {
    const ids = [...consolePage.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
    const tabs = [...consolePage.matchAll(/role="tab" aria-selected="(\w+)" aria-controls="([^"]+)"/g)];
    // The Dead letters tab has two "Reason" fields, in two forms, from before the tabs.
    const labels = [...consolePage.replace(deadLettersPanel, "").matchAll(/<label>([^<]+)</g)].map((m) => m[1]?.trim());

    expect(tabs.map((tab) => tab[2])).toEqual([
      "panel-letters",
      "panel-overview",
      "panel-orders",
      "panel-stock",
      "panel-audit",
      "panel-notifications",
      "panel-webhooks",
    ]);
    expect(tabs.filter((tab) => tab[1] === "true")).toHaveLength(1);
    for (const tab of tabs) expect(consolePage).toContain(`id="${tab[2]}" role="tabpanel"`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("ships gzipped, within its weight budget; minified, it still parses", async () => {
    // Arrange
    const handler = await deployedHandler();
    const event = (encoding: string) =>
      apiEvent({ method: "GET", path: "/console", headers: { "accept-encoding": encoding } });

    // Act
    const plain = await handler(event("identity"));
    const zipped = await handler(event("gzip, deflate, br"));
    const refused = await handler(event("gzip;q=0, br"));
    const wire = Buffer.from(String(zipped.body), "base64");
    const page = String(plain.body);
    console.info(
      `console page: ${Buffer.byteLength(page)} bytes minified, ${wire.length} gzipped (as Node serves it locally: ` +
        `${Buffer.byteLength(consolePage)} bytes, ${gzipSync(consolePage, { level: 9 }).length} gzipped)`,
    );

    // Assert
    expect(zipped).toMatchObject({ isBase64Encoded: true, headers: { "content-encoding": "gzip" } });
    expect(gunzipSync(wire).toString("utf8")).toBe(page);
    expect(plain.headers?.["content-encoding"]).toBeUndefined();
    expect(refused.headers?.["content-encoding"]).toBeUndefined();
    expect(() => new Function(scriptOf(page))).not.toThrow();
    expect(() => new Function(scriptOf(consolePage))).not.toThrow();
    for (const name of ["Dead letters", "Orders", "Inventory and accounts", "Audit", "Notifications DLQ", "Webhooks"])
      expect(page).toContain(name);
    expect(wire.length).toBeLessThan(GZIP_BUDGET);
  }, 30_000);

  it("runs no inline code but its own script and stylesheet: a CSP by hash, no unsafe-inline, no inline handlers or style attributes", async () => {
    // Arrange: as deployed (minified) and as Node serves it locally, whose texts differ.
    const deployed = await deployedHandler();
    const { handler: local } = await import("../../../packages/functions/src/api/console.ts");
    const event = apiEvent({ method: "GET", path: "/console", headers: { "accept-encoding": "identity" } });

    for (const handler of [deployed, local]) {
      // Act
      const response = await handler(event);
      const page = String(response.body);
      const csp = directives(String(response.headers?.["content-security-policy"]));

      // Assert: exactly the page's one script and one stylesheet may run.
      expect(JSON.stringify(csp)).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes/);
      expect(csp["default-src"]).toEqual(["'none'"]);
      expect(csp["script-src"]).toEqual([sha256(scriptOf(page))]);
      expect(csp["style-src"]).toEqual([sha256(styleOf(page))]);
      expect(page.match(/<script/g)).toHaveLength(1);
      expect(page.match(/<style/g)).toHaveLength(1);
      // A strict CSP blocks these, and the page would break without a word.
      expect(page).not.toMatch(/<[^>]*\s(on[a-z]+|style)\s*=/i);
      expect(page).not.toMatch(/javascript:/i);
    }
    // Nor may the browser code set an inline style or handler attribute.
    for (const file of modules) {
      expect(readFileSync(file, "utf8"), file).not.toMatch(
        /setAttribute\(\s*["'](style|on[a-z]+)["']|["']?\bstyle["']?\s*:\s*["'`]/,
      );
    }
  }, 30_000);
});
