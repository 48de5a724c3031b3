import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callerFromClaims } from "@orders/core/domain/caller";
import { importJWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { withClaims } from "../../../packages/local/src/api-gateway.ts";
import { authorize } from "../../../packages/local/src/jwt-authorizer.ts";
import { issuerKeyFile, LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from "../../../packages/local/src/local-issuer.ts";

const alice = { kind: "customer", subject: "alice", account: "1111111" } as const;
const ops = { kind: "operator", subject: "ops" } as const;

let keyFile: string;
let issuer: LocalIssuer;
beforeAll(async () => {
  keyFile = issuerKeyFile(mkdtempSync(join(tmpdir(), "issuer-")));
  issuer = await LocalIssuer.open(keyFile);
});

/** A token signed with the issuer's own key, but with claims of the test's choosing. */
async function forged(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "ES256" }) {
  const key = await importJWK(JSON.parse(readFileSync(keyFile, "utf8")), "ES256");
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe("the local issuer", () => {
  it("keeps one key: a second open verifies what the first signed", async () => {
    const again = await LocalIssuer.open(keyFile);
    const claims = await again.verify(await issuer.mint(alice));
    expect(claims).toMatchObject({ sub: "alice", scope: "orders:customer", account: "1111111", aud: LOCAL_AUDIENCE });
  });

  it("keeps its key readable by its owner only", async () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it("makes one key when many processes open it at once", async () => {
    const file = issuerKeyFile(mkdtempSync(join(tmpdir(), "issuer-")));
    const issuers = await Promise.all(Array.from({ length: 8 }, () => LocalIssuer.open(file)));
    const token = await issuers[0]?.mint(ops);
    for (const other of issuers) await expect(other.verify(token ?? "")).resolves.toMatchObject({ sub: "ops" });
  });
});

describe("the local JWT authorizer", () => {
  it("passes a valid token's claims on, as API Gateway's authorizer does", async () => {
    const verdict = await authorize("caller", `Bearer ${await issuer.mint(alice)}`, issuer);
    expect(verdict).toMatchObject({ outcome: "verified", claims: { sub: "alice" }, scopes: ["orders:customer"] });
  });

  it("takes the token without the Bearer prefix too", async () => {
    expect((await authorize("operator", await issuer.mint(ops), issuer)).outcome).toBe("verified");
  });

  it("asks nothing on a public route", async () => {
    expect(await authorize("public", undefined, issuer)).toEqual({ outcome: "pass" });
  });

  it("passes a bearer that is no JWT on to the function, which compares the static admin token", async () => {
    expect(await authorize("operator", "Bearer let-me-in-locally", issuer)).toEqual({ outcome: "pass" });
  });

  it("refuses a customer's token on an operator route with 403", async () => {
    expect(await authorize("operator", `Bearer ${await issuer.mint(alice)}`, issuer)).toMatchObject({
      outcome: "deny",
      status: 403,
    });
  });

  const base = () => ({ sub: "x", scope: "orders:operator", iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: inAnHour() });
  it.each([
    ["no token", async () => undefined],
    ["an empty bearer", async () => "Bearer "],
    ["an expired token", async () => `Bearer ${await issuer.mint(ops, -60)}`],
    ["another issuer's key", async () => `Bearer ${await (await otherIssuer()).mint(ops)}`],
    ["another iss", async () => `Bearer ${await forged({ ...base(), iss: "https://evil.example" })}`],
    ["another audience", async () => `Bearer ${await forged({ ...base(), aud: "another-api" })}`],
    ["no exp", async () => `Bearer ${await forged({ ...base(), exp: undefined })}`],
    ["not yet valid", async () => `Bearer ${await forged({ ...base(), nbf: inAnHour() })}`],
    ["alg none", async () => `Bearer ${unsigned(base())}`],
    ["a tampered payload", async () => `Bearer ${tampered(await issuer.mint(alice))}`],
  ])("refuses %s with 401", async (_name, header) => {
    expect(await authorize("caller", await header(), issuer)).toEqual({
      outcome: "deny",
      status: 401,
      message: "Unauthorized",
    });
  });

  it("refuses a valid token with no scope of the route with 403", async () => {
    const token = await forged({ ...base(), scope: "email profile" });
    expect(await authorize("caller", `Bearer ${token}`, issuer)).toMatchObject({ outcome: "deny", status: 403 });
  });
});

async function otherIssuer(): Promise<LocalIssuer> {
  return LocalIssuer.open(issuerKeyFile(mkdtempSync(join(tmpdir(), "issuer-"))));
}

function unsigned(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

/** The customer's token with its account changed and the signature kept. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
  const changed = Buffer.from(JSON.stringify({ ...claims, account: "2222222" })).toString("base64url");
  return `${header}.${changed}.${signature}`;
}

describe("the claims the local gateway hands on", () => {
  it("are strings, a list as [a b], as API Gateway hands them on, and still name the caller", async () => {
    const event = { requestContext: {} } as unknown as Parameters<typeof withClaims>[0];
    withClaims(event, { sub: "ops", scp: ["orders:operator", "email"], exp: 1_800_000_000, account: 1111111 }, []);
    const { claims } = (event.requestContext as unknown as { authorizer: { jwt: { claims: Record<string, unknown> } } })
      .authorizer.jwt;
    expect(claims).toEqual({ sub: "ops", scp: "[orders:operator email]", exp: "1800000000", account: "1111111" });
    expect(callerFromClaims(claims)).toEqual({ kind: "operator", subject: "ops" });
  });
});
