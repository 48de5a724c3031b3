import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ACCOUNT_CLAIM, type Caller, SCOPE_OF } from "@orders/core/domain/caller";
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";

/**
 * The local stand-in for a stage's OIDC provider: one ES256 key, kept in the
 * data directory, that signs the tokens `npm run token` prints and checks
 * them at the local gateway. Deployed, API Gateway's JWT authorizer checks
 * tokens from the stage's own issuer with the same rules.
 */
export const LOCAL_ISSUER = "https://issuer.orders.local";
export const LOCAL_AUDIENCE = "orders-api";
const ALGORITHM = "ES256";
/** How long a local token lives unless asked otherwise. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
/** Clock skew the checks forgive, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** Where the signing key lives: beside the data, even when `npm start --in-memory` keeps none. */
export function issuerKeyFile(dataDir: string): string {
  return join(dataDir, "local-issuer.jwk");
}

export class LocalIssuer {
  readonly #privateKey: CryptoKey;
  readonly #publicKey: CryptoKey;

  private constructor(privateKey: CryptoKey, publicKey: CryptoKey) {
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
  }

  /**
   * The issuer whose key is in `keyFile`, made on first use. Two processes
   * starting at once both end with the key that reached the disk first.
   */
  static async open(keyFile: string): Promise<LocalIssuer> {
    const jwk = (await readKey(keyFile)) ?? (await createKey(keyFile));
    const { d: _private, ...publicJwk } = jwk;
    const privateKey = (await importJWK(jwk, ALGORITHM)) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, ALGORITHM)) as CryptoKey;
    return new LocalIssuer(privateKey, publicKey);
  }

  /** A signed token for `caller`, as a provider would issue it. */
  mint(caller: Caller, lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS): Promise<string> {
    const claims: JWTPayload = {
      scope: SCOPE_OF[caller.kind],
      ...(caller.kind === "customer" ? { [ACCOUNT_CLAIM]: caller.account } : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setSubject(caller.subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .sign(this.#privateKey);
  }

  /**
   * The claims of a token this issuer signed for this API, still in date;
   * throws otherwise. As API Gateway's JWT authorizer: the signature, `iss`,
   * `aud`, and `exp` (required), `nbf` and `iat` when present.
   */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.#publicKey, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: [ALGORITHM],
      requiredClaims: ["exp"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    return payload;
  }
}

async function readKey(keyFile: string): Promise<JWK | undefined> {
  try {
    return JSON.parse(await readFile(keyFile, "utf8")) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`the local issuer's key ${keyFile} cannot be read: delete it to make a new one`, { cause: error });
  }
}

async function createKey(keyFile: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  await mkdir(dirname(keyFile), { recursive: true });
  // Written whole under another name, then linked into place: a reader never
  // sees half a key, and a key another process placed first is never replaced.
  // 0600: the key signs operators' tokens.
  const draft = `${keyFile}.${randomUUID()}`;
  await writeFile(draft, JSON.stringify(jwk), { mode: 0o600 });
  try {
    await link(draft, keyFile);
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const placed = await readKey(keyFile);
    if (!placed) throw error;
    return placed;
  } finally {
    await rm(draft, { force: true });
  }
}
