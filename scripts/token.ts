/**
 * `npm run token`: one signed token on stdout, from the local issuer whose key
 * `npm start` checks tokens against (kept in the data directory).
 *
 *   TOKEN=$(npm run -s token -- --account 1111111)
 */
import { join } from "node:path";
import { AccountIdSchema } from "@orders/core/domain/admin-inputs";
import { type Caller, SubjectSchema } from "@orders/core/domain/caller";
import { repoRoot } from "../packages/local/src/handlers.ts";
import { DEFAULT_TOKEN_LIFETIME_SECONDS, issuerKeyFile, LocalIssuer } from "../packages/local/src/local-issuer.ts";
import { cliArgs } from "./cli/args.ts";

const USAGE = `usage: npm run -s token -- (--account <id> | --channel <name> | --operator <name>) [options]

  --account <id>      a customer bound to account <id> (7-20 digits): pays from it, reads its orders
  --channel <name>    a channel (a trusted backend): submits for any payer, reads what it submitted
  --operator <name>   an operator: the admin routes, and every order; the audit names <name>

  --subject <sub>     the token's subject (default: customer-<id>, or the channel's or operator's name)
  --ttl <seconds>     how long the token lives (default ${DEFAULT_TOKEN_LIFETIME_SECONDS})
  --data-dir <dir>    where the issuer's key is (default ORDERS_DATA_DIR, else .local-data), as npm start

Prints the token alone on stdout. Exits 2 for a usage error.`;

const { values } = cliArgs("token", USAGE, {
  options: {
    help: { type: "boolean", short: "h" },
    account: { type: "string" },
    channel: { type: "string" },
    operator: { type: "string" },
    subject: { type: "string" },
    ttl: { type: "string" },
    "data-dir": { type: "string" },
  },
});

function refuse(message: string): never {
  process.stderr.write(`token: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function subjectOf(fallback: string): string {
  const subject = SubjectSchema.safeParse(values.subject ?? fallback);
  if (!subject.success) refuse("the subject must be 1-128 printable characters without spaces");
  return subject.data;
}

function callerFromOptions(): Caller {
  const kinds = [values.account, values.channel, values.operator].filter((value) => value !== undefined);
  if (kinds.length !== 1) refuse("give exactly one of --account, --channel or --operator");
  if (values.account !== undefined) {
    const account = AccountIdSchema.safeParse(values.account);
    if (!account.success) refuse(`--account must be 7-20 digits, not ${JSON.stringify(values.account)}`);
    return { kind: "customer", subject: subjectOf(`customer-${account.data}`), account: account.data };
  }
  if (values.channel !== undefined) return { kind: "channel", subject: subjectOf(values.channel) };
  return { kind: "operator", subject: subjectOf(values.operator ?? "") };
}

const caller = callerFromOptions();
const ttl = values.ttl === undefined ? DEFAULT_TOKEN_LIFETIME_SECONDS : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1 || ttl > 366 * 24 * 3600)
  refuse("--ttl must be a whole number of seconds, 1 to a year");
const dataDir = values["data-dir"] ?? process.env.ORDERS_DATA_DIR ?? join(repoRoot, ".local-data");
const issuer = await LocalIssuer.open(issuerKeyFile(dataDir));
process.stdout.write(`${await issuer.mint(caller, ttl)}\n`);
