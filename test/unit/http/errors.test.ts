import {
  AccountNotFoundError,
  BodyNotObjectError,
  DependencyError,
  InvalidInputError,
  MalformedJsonError,
  OrderNotFoundError,
  PayloadTooLargeError,
  StockBelowReservedError,
  StockNotFoundError,
  UnsupportedMediaTypeError,
} from "@orders/core/domain/errors";
import { errorResponse } from "@orders/functions/http/errors";
import { describe, expect, it } from "vitest";

describe("error to HTTP mapping", () => {
  it.each([
    [new MalformedJsonError("m"), 400, "INVALID_JSON"],
    [new BodyNotObjectError("m"), 400, "BODY_NOT_OBJECT"],
    [new InvalidInputError("m"), 400, "INVALID_INPUT"],
    [new OrderNotFoundError("m"), 404, "ORDER_NOT_FOUND"],
    [new StockNotFoundError("m"), 404, "STOCK_NOT_FOUND"],
    [new AccountNotFoundError("m"), 404, "ACCOUNT_NOT_FOUND"],
    [new StockBelowReservedError("m"), 409, "STOCK_BELOW_RESERVED"],
    [new PayloadTooLargeError("m"), 413, "PAYLOAD_TOO_LARGE"],
    [new UnsupportedMediaTypeError("m"), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [new DependencyError("bucket", "m"), 503, "BUCKET_UNAVAILABLE"],
  ])("maps %s", (error, status, code) => {
    const response = errorResponse(error);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body ?? "null")).toMatchObject({ error: code, message: "m" });
  });

  it("carries details when the error has them", () => {
    const details = [{ field: "id", code: "required", message: "id is required" }];
    expect(JSON.parse(errorResponse(new InvalidInputError("m", { details })).body ?? "null").details).toEqual(details);
  });

  it("turns anything unmapped into a bare 500", () => {
    const response = errorResponse(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? "null")).toEqual({ error: "INTERNAL", message: "Internal error" });
  });
});
