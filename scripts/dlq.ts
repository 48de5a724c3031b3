/**
 * `npm run dlq -- <command>`: the DLQ from a terminal, against the local
 * system or a deployed stage.
 *
 *   list [--reason CODE]            the dead letters, with their reasons
 *   show <id>                       one message: body, reason, order record
 *   dry-run <id>                    what processing it would do, changing nothing
 *   redrive <id…> | --all [--rate N] send back to OrdersQueue
 *   discard <id> --reason "…"       delete, keeping the body in the audit
 *   audit                           every action taken
 *   notifications list              NotificationsDlq: each order event, its payer, tries and last error
 *   notifications redrive <id…> | --all
 *                                   send events back to NotificationsQueue
 *
 * ORDERS_API_URL (default http://localhost:3000) and ORDERS_ADMIN_TOKEN, or
 * --url and --token.
 */
import { adminClient } from "./cli/admin-client.ts";
import { ADMIN_CLI_OPTIONS, cliArgs } from "./cli/args.ts";

const USAGE = `usage: npm run dlq -- <command> [options]

  list [--reason CODE]              the dead letters, with their reasons
  show <id>                         one message: body, reason, order record
  dry-run <id>                      what processing it would do, changing nothing
  redrive <id…> | --all [--rate N]  send back to OrdersQueue
  discard <id> --reason "…"         delete, keeping the body in the audit
  audit                             every action taken

  notifications list                NotificationsDlq: each order event, its payer, tries and last error
  notifications redrive <id…> | --all
                                    send events back to NotificationsQueue (one delivered since is not sent again)

ORDERS_API_URL (default http://localhost:$PORT, else 3000) and ORDERS_ADMIN_TOKEN, or --url and --token.`;

const { values, positionals } = cliArgs("dlq", USAGE, {
  allowPositionals: true,
  options: {
    ...ADMIN_CLI_OPTIONS,
    reason: { type: "string" },
    all: { type: "boolean", default: false },
    rate: { type: "string" },
  },
});

const client = adminClient({
  url: values.url,
  token: values.token,
  name: "dlq",
  errorExitCode: 1,
});
const { fail } = client;
const api = <T>(method: string, path: string, body?: unknown) => client.call<T>(method, path, body);
const [command, ...args] = positionals;
const out = (text: string) => process.stdout.write(`${text}\n`);

interface Letter {
  messageId: string;
  body: string;
  sentAt: string;
  messageAttributes: Record<string, string>;
  failure?: { code: string; message: string; attempts: number; lastFailedAt: string };
  order?: unknown;
}

async function allLetters(reason?: string): Promise<{ depth: number; messages: Letter[] }> {
  const messages: Letter[] = [];
  let cursor: string | undefined;
  let depth = 0;
  do {
    const query = new URLSearchParams({ limit: "100", ...(reason ? { reason } : {}), ...(cursor ? { cursor } : {}) });
    const page = await api<{ depth: number; messages: Letter[]; cursor?: string }>("GET", `/admin/dlq?${query}`);
    messages.push(...page.messages);
    depth = page.depth;
    cursor = page.cursor;
  } while (cursor);
  return { depth, messages };
}

function progress(done: number, total: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else process.stderr.write(`${line}\n`);
}

type Result = { messageId: string; status: string; newMessageId?: string; error?: string };

async function redrive(): Promise<void> {
  const rate = values.rate ? Number(values.rate) : undefined;
  if (rate !== undefined && !(rate > 0)) fail("--rate must be a positive number of messages per second");
  const results: Result[] = [];
  if (values.all) {
    const { depth } = await allLetters();
    // Small calls keep each request well inside the API's time limit and let the bar move.
    for (let moved = -1; moved !== 0; ) {
      const { results: batch } = await api<{ results: Result[] }>("POST", "/admin/dlq/redrive", {
        all: true,
        limit: 10,
        ...(rate ? { maxPerSecond: rate } : {}),
      });
      results.push(...batch);
      moved = batch.filter((result) => result.status === "REDRIVEN").length;
      progress(results.length, Math.max(depth, results.length));
    }
    if (process.stderr.isTTY) process.stderr.write("\n");
  } else {
    if (args.length === 0) fail("name message ids, or use --all");
    for (let i = 0; i < args.length; i += 10) {
      const ids = args.slice(i, i + 10);
      const { results: batch } = await api<{ results: Result[] }>("POST", "/admin/dlq/redrive", {
        ids,
        ...(rate ? { maxPerSecond: rate } : {}),
      });
      results.push(...batch);
      progress(results.length, args.length);
    }
    if (process.stderr.isTTY) process.stderr.write("\n");
  }
  report(results);
}

interface NotificationLetter {
  messageId: string;
  receiveCount: number;
  event?: { orderId: string; eventId: string; type: string };
  accountId?: string;
  delivery?: { status: string; attempts: number; lastError?: string };
  failure?: { code: string; message: string; attempts: number };
  problem?: string;
}

async function allNotificationLetters(): Promise<{ depth: number; messages: NotificationLetter[] }> {
  const messages: NotificationLetter[] = [];
  let cursor: string | undefined;
  let depth = 0;
  do {
    const query = new URLSearchParams({ limit: "100", ...(cursor ? { cursor } : {}) });
    const page = await api<{ depth: number; messages: NotificationLetter[]; cursor?: string }>(
      "GET",
      `/admin/notifications-dlq?${query}`,
    );
    messages.push(...page.messages);
    depth = page.depth;
    cursor = page.cursor;
  } while (cursor);
  return { depth, messages };
}

/** NotificationsDlq: the order events whose webhook delivery ran out of tries. */
async function notifications(subcommand: string | undefined, ids: string[]): Promise<void> {
  if (subcommand === "list") {
    const { depth, messages } = await allNotificationLetters();
    out(`NotificationsDlq depth ${depth}`);
    if (messages.length === 0) out("NotificationsDlq is empty.");
    for (const letter of messages) {
      const what = letter.event
        ? `${letter.event.orderId}  ${letter.event.type}  payer ${letter.accountId ?? "-"}`
        : `not an order event: ${letter.problem ?? "unreadable"}`;
      const { failure } = letter;
      // The Notifier's own reason too, when it is not the send's (it failed after the send, or before any).
      const reason =
        failure && failure.message !== letter.delivery?.lastError ? `  (${failure.code}: ${failure.message})` : "";
      const delivery = letter.delivery
        ? `${letter.delivery.status} ×${letter.delivery.attempts}  ${letter.delivery.lastError ?? ""}${reason}`
        : failure
          ? `${failure.code} ×${failure.attempts}, none sent  ${failure.message}`
          : "no delivery recorded";
      out(`${letter.messageId}  ${what}  ${delivery}`);
    }
    return;
  }
  if (subcommand !== "redrive") fail(`notifications needs list or redrive\n\n${USAGE}`);
  if (!values.all && ids.length === 0) fail("name message ids, or use --all");
  const results: Result[] = [];
  // Ten at a time, as the console does: each request stays well inside the API's time limit.
  for (let moved = -1, i = 0; values.all ? moved !== 0 : i < ids.length; i += 10) {
    const request = values.all ? { all: true, limit: 10 } : { ids: ids.slice(i, i + 10) };
    const { results: batch } = await api<{ results: Result[] }>("POST", "/admin/notifications-dlq/redrive", request);
    results.push(...batch);
    moved = batch.filter((result) => result.status === "REDRIVEN").length;
  }
  report(results);
}

function report(results: Result[]): void {
  for (const result of results) {
    out(
      `${result.messageId}  ${result.status}${result.newMessageId ? ` → ${result.newMessageId}` : ""}${result.error ? `  ${result.error}` : ""}`,
    );
  }
  const failed = results.filter((result) => result.status !== "REDRIVEN").length;
  out(`${results.length - failed} redriven, ${failed} not`);
  if (failed > 0) process.exitCode = 1;
}

switch (command) {
  case "list": {
    const { depth, messages } = await allLetters(values.reason);
    out(`DLQ depth ${depth}${values.reason ? `, reason ${values.reason}` : ""}`);
    if (messages.length === 0) {
      out(
        values.reason && depth > 0
          ? `No dead letter has the reason ${values.reason} (the DLQ holds ${depth}: npm run dlq -- list shows them all).`
          : "The dead-letter queue is empty.",
      );
    }
    for (const letter of messages) {
      const reason = letter.failure ? `${letter.failure.code} ×${letter.failure.attempts}` : "no recorded reason";
      out(
        `${letter.messageId}  ${letter.messageAttributes.orderId ?? "-"}  ${reason}  ${letter.failure?.message ?? ""}`,
      );
    }
    break;
  }
  case "show": {
    const id = args[0] ?? fail("show needs a message id");
    const letter = (await allLetters()).messages.find((m) => m.messageId === id) ?? fail(`no message ${id} in the DLQ`);
    out(
      JSON.stringify(
        {
          ...letter,
          body: (() => {
            try {
              return JSON.parse(letter.body);
            } catch {
              return letter.body;
            }
          })(),
        },
        null,
        2,
      ),
    );
    break;
  }
  case "dry-run": {
    const id = args[0] ?? fail("dry-run needs a message id");
    out(JSON.stringify(await api("POST", `/admin/dlq/${encodeURIComponent(id)}/dry-run`), null, 2));
    break;
  }
  case "redrive":
    await redrive();
    break;
  case "discard": {
    const id = args[0] ?? fail("discard needs a message id");
    if (!values.reason) fail('discard needs --reason "why"');
    out(JSON.stringify(await api("POST", `/admin/dlq/${encodeURIComponent(id)}/discard`, { reason: values.reason })));
    break;
  }
  case "notifications":
    await notifications(args[0], args.slice(1));
    break;
  case "audit": {
    const { entries } = await api<{ entries: Record<string, string>[] }>("GET", "/admin/audit?limit=100");
    for (const entry of entries) {
      out(
        `${entry.at}  ${entry.action}  ${entry.actor}  ${entry.oldMessageId} → ${entry.newMessageId ?? "-"}  ${entry.orderId ?? "-"}  ${entry.result}  ${entry.detail ?? ""}`,
      );
    }
    break;
  }
  default:
    fail(command ? `unknown command ${command}\n\n${USAGE}` : USAGE);
}
