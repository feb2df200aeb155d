// Properties of the codec (DESIGN.md "Tests"): decode∘encode = id for all three models, and
// arbitrary, mutated or truncated input gives a DecodeError or a value — never another
// exception, never a hang.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/core/errors.js";
import { arbP7iocDiag, arbPhb3Diag, arbPhb4Diag, arbPhbDiag } from "../../../src/log/opal/arbitraries.js";
import { decodePhbDiag, encodePhbDiag, type PhbDiagData } from "../../../src/log/opal/index.js";

const onlyDecodeErrors = (bytes: Uint8Array): void => {
  try {
    decodePhbDiag(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.byteLength);
  }
};

describe("decode(encode(x)) = x", () => {
  it.each([
    ["P7IOC", arbP7iocDiag()],
    ["PHB3", arbPhb3Diag()],
    ["PHB4", arbPhb4Diag()],
  ] as [string, fc.Arbitrary<PhbDiagData>][])("%s, dense words", (_m, arb) => {
    fc.assert(fc.property(arb, (x) => {
      expect(decodePhbDiag(encodePhbDiag(x))).toEqual(x);
    }), { numRuns: 40 });
  });

  it("all models, sparse words", () => {
    fc.assert(fc.property(arbPhbDiag({ sparse: true }), (x) => {
      expect(decodePhbDiag(encodePhbDiag(x))).toEqual(x);
    }), { numRuns: 100 });
  });

  it("encode(decode(b)) = b for encoded blobs", () => {
    fc.assert(
      fc.property(arbPhbDiag({ sparse: true }), (x) => {
        const b = encodePhbDiag(x);
        expect(encodePhbDiag(decodePhbDiag(b))).toEqual(b);
      }),
      { numRuns: 50 },
    );
  });
});

describe("bad input gives only DecodeError", () => {
  it("arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 9000 }), onlyDecodeErrors), { numRuns: 300 });
  });

  it("arbitrary bytes behind a plausible header", () => {
    const header = fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2, 3, 4), fc.constantFrom(0, 2320, 4392, 8576, 8192, 0xffffffff));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 9000 }), ([v, t, len], body) => {
        const b = new Uint8Array(12 + body.byteLength);
        const dv = new DataView(b.buffer);
        dv.setUint32(0, v);
        dv.setUint32(4, t);
        dv.setUint32(8, len);
        b.set(body, 12);
        onlyDecodeErrors(b);
      }),
      { numRuns: 200 },
    );
  });

  it("valid blobs truncated, extended or with bytes flipped", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("extend" as const), extra: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant("flip" as const), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(arbPhbDiag({ sparse: true }), mutation, (x, m) => {
        let b = encodePhbDiag(x);
        if (m.kind === "truncate") b = b.slice(0, m.at % b.byteLength);
        else if (m.kind === "extend") {
          const e = new Uint8Array(b.byteLength + m.extra.byteLength);
          e.set(b);
          e.set(m.extra, b.byteLength);
          b = e;
        } else for (const [at, v] of m.flips) b[at % b.byteLength] = (b[at % b.byteLength] ?? 0) ^ v;
        onlyDecodeErrors(b);
        if (m.kind === "truncate") expect(() => decodePhbDiag(b)).toThrow(DecodeError);
      }),
      { numRuns: 200 },
    );
  });
});
