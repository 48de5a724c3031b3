import * as z from "zod/mini";

/**
 * Who submitted an order, as stored on it: `<kind>:<subject>`, the subject
 * being 1-128 printable ASCII characters without spaces. A leaf module: the
 * order's schema needs it, and the caller's rules need the order.
 */
export const SubmitterSchema = z.string().check(z.regex(/^(customer|channel|operator):[\x21-\x7e]{1,128}$/));
