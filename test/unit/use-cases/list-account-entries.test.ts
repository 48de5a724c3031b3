import { AccountNotFoundError, InvalidInputError } from "@orders/core/domain/errors";
import { listAccountEntries } from "@orders/core/use-cases/accounts/list-account-entries";
import { describe, expect, it } from "vitest";
import { InMemoryAccountLedger } from "../../helpers/ledger-fakes.ts";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();

/** 1111111 with five deposits a minute apart, and 7777777 with one. */
async function twoAccounts() {
  const accounts = new InMemoryAccountLedger();
  await accounts.open("1111111", at(0));
  await accounts.open("7777777", at(0));
  for (let i = 1; i <= 5; i++) await accounts.deposit("1111111", `dep-${i}`, i * 100, at(i));
  await accounts.deposit("7777777", "dep-x", 100, at(1));
  return { accounts };
}

describe("listAccountEntries", () => {
  it("pages through every entry newest first, each once, with a cursor until the last page", async () => {
    // Arrange
    const deps = await twoAccounts();
    // Act
    const first = await listAccountEntries("1111111", { limit: "2" }, deps);
    const second = await listAccountEntries("1111111", { limit: "2", cursor: first.cursor }, deps);
    const third = await listAccountEntries("1111111", { limit: "2", cursor: second.cursor }, deps);
    // Assert
    expect(first.entries.map((entry) => entry.transferId)).toEqual(["deposit:dep-5", "deposit:dep-4"]);
    expect(second.entries.map((entry) => entry.transferId)).toEqual(["deposit:dep-3", "deposit:dep-2"]);
    expect(third).toEqual({
      entries: [{ transferId: "deposit:dep-1", kind: "DEPOSIT", amount: 1, status: "POSTED", at: at(1) }],
    });
  });

  it("refuses a cursor of another account, a malformed one, and a bad limit, with details", async () => {
    const deps = await twoAccounts();
    const other = await listAccountEntries("7777777", { limit: "1" }, deps);
    const theirs = (await listAccountEntries("1111111", { limit: "1" }, deps)).cursor;
    expect(theirs).toBeDefined();
    await expect(listAccountEntries("7777777", { cursor: theirs }, deps)).rejects.toMatchObject({
      details: [expect.objectContaining({ field: "cursor", code: "invalid_cursor" })],
    });
    await expect(listAccountEntries("1111111", { cursor: "not-a-cursor" }, deps)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    for (const limit of ["0", "101", "2.5", "x"]) {
      await expect(listAccountEntries("1111111", { limit }, deps), limit).rejects.toMatchObject({
        details: [expect.objectContaining({ field: "limit" })],
      });
    }
    await expect(listAccountEntries("1111111", { page: "2" }, deps)).rejects.toBeInstanceOf(InvalidInputError);
    expect(other.entries).toHaveLength(1);
  });

  it("answers 404 for an account never opened, and 400 for a malformed id", async () => {
    const deps = await twoAccounts();
    await expect(listAccountEntries("9999999", {}, deps)).rejects.toBeInstanceOf(AccountNotFoundError);
    await expect(listAccountEntries("12", {}, deps)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
