import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ppcBit } from "../../../src/core/bits.js";
import { PESTA_BITS, decodePest, decodePestA, decodePestB, encodePestA, encodePestB, pestTtypeName } from "../../../src/log/opal/index.js";

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe("PEST words (§3.5)", () => {
  it("decodes the §4.8 PESTA/PESTB pair", () => {
    const e = decodePest(0xa440002901000000n, 0x8000000000000000n);
    expect(e.frozen).toBe(true);
    expect(e.a).toMatchObject({ mmioFrozen: true, mmioCause: true, ttype: 4, ttypeName: "MMIO load", ur: true, lemBit: 41, rid: 0x0100, msiData: 0, otherBits: 0n });
    expect(e.a.caOrTimeout).toBe(false);
    expect(e.a.cfgRead || e.a.cfgWrite || e.a.tcePageFault).toBe(false);
    expect(e.b).toEqual({ dmaStopped: true, failingAddress: 0n, otherBits: 0n });
  });

  it("puts each named flag on its IBM bit", () => {
    const expected: Record<string, number> = {
      mmioFrozen: 0, mmioCause: 2, cfgRead: 3, cfgWrite: 4, caOrTimeout: 8, ur: 9, utlNonFatal: 10, utlFatal: 11,
      tagReuse: 12, parityUe: 13, utlCorrectable: 14, utlInterrupt: 15, mmioXlateOrIodaError: 16, tvtExtError: 17,
      tcePageFault: 18, tceAccessFault: 19, dmaRespTimeout: 20, aibSizeInvalid: 21,
    };
    expect(PESTA_BITS).toEqual(expected);
    for (const [name, bit] of Object.entries(expected)) {
      const a = decodePestA(ppcBit(bit)) as unknown as Record<string, unknown>;
      expect(a[name]).toBe(true);
      expect(Object.entries(a).filter(([, v]) => v === true).map(([k]) => k)).toEqual([name]);
    }
  });

  it("reads the multi-bit fields at bits 5..7, 26..31, 32..47, 48..63 and PESTB 3..63", () => {
    expect(decodePestA(0x0700000000000000n).ttype).toBe(7);
    expect(decodePestA(0x0000003f00000000n).lemBit).toBe(63);
    expect(decodePestA(0x00000000ffff0000n).rid).toBe(0xffff);
    expect(decodePestA(0x000000000000beefn).msiData).toBe(0xbeef);
    expect(decodePestB(0x9fffffffffffffffn)).toEqual({ dmaStopped: true, failingAddress: 0x1fffffffffffffffn, otherBits: 0n });
    expect(decodePestB(0x6000000000000000n).otherBits).toBe(0x6000000000000000n);
    expect(decodePestA(0x400003ff00000000n).otherBits).toBe(0x400003c000000000n); // bits 1, 22..25
  });

  it("names the transaction types", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(pestTtypeName)).toEqual(["DMA write", "MSI", "DMA read", "DMA read response", "MMIO load", "MMIO store", "reserved", "other"]);
  });

  it("encode∘decode = id for any word", () => {
    fc.assert(
      fc.property(u64, u64, (a, b) => {
        expect(encodePestA(decodePestA(a))).toBe(a);
        expect(encodePestB(decodePestB(b))).toBe(b);
      }),
      { numRuns: 500 },
    );
  });

  it("encode rejects values that do not fit their field", () => {
    const a = decodePestA(0n);
    expect(() => encodePestA({ ...a, ttype: 8 })).toThrow(RangeError);
    expect(() => encodePestA({ ...a, otherBits: 1n << 63n })).toThrow(RangeError);
    expect(() => encodePestB({ ...decodePestB(0n), failingAddress: 1n << 61n })).toThrow(RangeError);
  });
});
