/** The shapes the experiment's modules share. Money is in integer cents, stock in units. */

/** Why an order is in the mix, and so which outcomes it may have. */
export type Category =
  | "fit" // plentiful skus, a payer funded for all its orders: must be CONFIRMED
  | "contended" // hot skus, a funded payer: CONFIRMED or OUT_OF_STOCK, as the race goes
  | "shortfall" // a line asks more than the sku ever had: must be OUT_OF_STOCK, that line listed
  | "tightFunds" // a payer funded for about half its orders: CONFIRMED or INSUFFICIENT_FUNDS
  | "insufficientFunds" // a payer that cannot cover any of its orders: must be INSUFFICIENT_FUNDS
  | "unknownAccount" // a payer or payee never opened: must be UNKNOWN_ACCOUNT
  | "invalid"; // amount ≠ Σ quantity × unitPrice: must be REJECTED

export interface Line {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface PlannedOrder {
  id: string;
  category: Category;
  payer: string;
  payee: string;
  lines: Line[];
  /** What the order says it costs; ≠ Σ lines for `invalid`. */
  amountCents: number;
}

export interface PlannedSku {
  sku: string;
  /** Hot skus are short of demand; plentiful ones hold more than every order asks; unstocked ones were never created. */
  kind: "hot" | "plentiful" | "unstocked";
  onHand: number;
}

export interface PlannedAccount {
  accountId: string;
  role: "richPayer" | "tightPayer" | "poorPayer" | "payee";
  depositCents: number;
}

export interface Plan {
  runId: string;
  skus: PlannedSku[];
  accounts: PlannedAccount[];
  /** Ids of the experiment's numbering that nobody opens. */
  unknownAccounts: string[];
  orders: PlannedOrder[];
  /** Every submission, in firing order: each order once, and the duplicated ones twice. */
  submissions: PlannedOrder[];
}

export interface StockSnapshot {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  /** False when the sku does not exist (404): all counters read as 0. */
  exists: boolean;
}

export interface AccountSnapshot {
  accountId: string;
  balanceCents: number;
  heldCents: number;
  availableCents: number;
}

export interface Snapshot {
  stock: Map<string, StockSnapshot>;
  accounts: Map<string, AccountSnapshot>;
}

/** `GET /orders/{id}` as the experiment reads it. */
export interface OrderLookup {
  order: {
    id: string;
    submissionId: string;
    status: string;
    valid: boolean;
    isDuplicate: boolean;
    errors: { field: string; code: string }[];
    failure?: { code: string; message: string; details?: unknown };
    receivedAt: string;
    processedAt: string;
  };
  duplicates: { submissionId: string; sameAsOriginal: boolean; valid: boolean }[];
  payment?: { status: string; amount: number };
  reservations?: { sku: string; quantity: number; status: string }[];
  saga?: { step: string; outcome: string; attempt: number; at: string; detail?: string }[];
}

/** What firing left: the submission ids the API accepted, per order id. */
export interface Fired {
  accepted: Map<string, string[]>;
  /** Submissions the API refused for good (not 202 after the retries). */
  refused: { id: string; status: number }[];
  seconds: number;
}

/** One sampled read of a sku or account while orders ran, and what was wrong with it. */
export interface SampleViolation {
  at: string;
  subject: string;
  problem: string;
}

export interface Samples {
  taken: number;
  violations: SampleViolation[];
}

/** One line of the table. */
export interface CheckRow {
  check: string;
  result: string;
  goal: string;
  pass: boolean;
  /** The first few offending orders, skus or accounts, with expected vs actual. */
  violations: string[];
}
