import { mkdirSync } from "node:fs";
import { type RunningSystem, startSystem } from "@orders/harness/local-system";
import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The docs route's first call starts its function (a cold start) and the page is 1.9 MB of script to parse.
const UI = { timeout: 20_000, interval: 100 };

let system: RunningSystem;
let browser: Browser;

/** What a page did that its CSP or the offline promise forbids, collected while it runs. */
interface Watched {
  page: Page;
  violations: string[];
  asked: string[];
}

/**
 * A new page that records every request it makes and every CSP violation,
 * which Chromium reports twice: as an event in the page, and as a console error.
 */
async function watchedPage(): Promise<Watched> {
  const page = await browser.newPage();
  const watched: Watched = { page, violations: [], asked: [] };
  page.on("request", (request) => watched.asked.push(request.url()));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) watched.violations.push(message.text());
  });
  await page.exposeFunction("reportViolation", (text: string) => watched.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportViolation: (text: string) => void }).reportViolation;
      void report(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.lineNumber}`);
    });
  });
  return watched;
}

/** Requests that went anywhere but the system itself (a data: URL is no request to anyone). */
const elsewhere = (asked: string[]) =>
  asked.filter((url) => !url.startsWith(`${system.url}/`) && !url.startsWith("data:"));

describe("the API reference and the landing page in a real browser", () => {
  beforeAll(async () => {
    system = await startSystem(["--in-memory"]);
    // The browser comes from npm (@sparticuz/chromium), as in the console's browser test.
    browser = await playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("renders every operation of /openapi.json under the page's CSP, asking nothing of any other origin", async () => {
    // Arrange
    const { page, violations, asked } = await watchedPage();
    const openapi = (await (await fetch(`${system.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const operationIds = Object.values(openapi.paths).flatMap((path) =>
      Object.values(path).map((operation) => operation.operationId),
    );

    // Act
    const response = await page.goto(`${system.url}/docs`);

    // Assert: the page came with its CSP, scripts only by hash.
    expect(response?.status()).toBe(200);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'sha256-/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);

    // Swagger UI fetched the document and rendered POST /orders, by its operationId's anchor and its summary.
    const submit = page.locator('[id$="-submitOrder"]');
    await expect.poll(() => submit.count(), UI).toBe(1);
    expect(await submit.locator(".opblock-summary-method").textContent()).toBe("POST");
    expect(await submit.locator(".opblock-summary-path").textContent()).toContain("/orders");
    expect(await submit.textContent()).toContain("Submit an order");
    // And every other operation besides it.
    expect(await page.locator(".opblock").count()).toBe(operationIds.length);

    // Opening an operation renders its parameters and answers (more React, more inline style attributes).
    await submit.locator(".opblock-summary").click();
    await expect.poll(() => submit.locator(".responses-table").count(), UI).toBeGreaterThan(0);
    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/docs.png" });

    // "Try it out" calls the API from the page (the document's server is "/"): connect-src 'self' lets it.
    const health = page.locator('[id$="-getHealth"]');
    await health.locator(".opblock-summary").click();
    await health.getByRole("button", { name: "Try it out" }).click();
    await health.getByRole("button", { name: "Execute" }).click();
    await expect
      .poll(() => health.locator(".live-responses-table tbody .response-col_status").textContent(), UI)
      .toBe("200");

    expect(asked).toContain(`${system.url}/openapi.json`);
    expect(asked).toContain(`${system.url}/health`);
    expect(elsewhere(asked)).toEqual([]);
    expect(violations).toEqual([]);
  });

  it("shows the landing page's links, styled by its hashed stylesheet, with nothing blocked", async () => {
    // Arrange
    const { page, violations, asked } = await watchedPage();

    // Act
    const response = await page.goto(`${system.url}/`);

    // Assert
    expect(response?.status()).toBe(200);
    const links = await page
      .locator("a")
      .evaluateAll((anchors) => anchors.map((anchor) => new URL((anchor as HTMLAnchorElement).href).pathname));
    expect(links.sort()).toEqual(["/console", "/docs", "/health", "/openapi.json"]);
    // The inline stylesheet ran: its hash is in the CSP.
    expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).not.toBe("none");
    expect(elsewhere(asked)).toEqual([]);
    expect(violations).toEqual([]);
  });
});
