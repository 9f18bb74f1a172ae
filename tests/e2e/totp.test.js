// The test's own TOTP against RFC 6238 appendix B, so the e2e check can trust it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { totp } from "./totp.js";

test("RFC 6238 appendix B, SHA-1", () => {
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
  const table = [
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ];
  for (const [t, code] of table) assert.equal(totp(secret, t, { digits: 8 }), code);
});
