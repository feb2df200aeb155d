import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { allOnes, field, getField, ppcBit, ppcMask, setBits, setField } from "../../src/core/bits.js";

describe("IBM bit numbering (powernv-opal.md preamble)", () => {
  it("bit n is 1 << (63 - n)", () => {
    expect(ppcBit(0)).toBe(0x8000000000000000n);
    expect(ppcBit(63)).toBe(1n);
    expect(ppcBit(16)).toBe(0x0000800000000000n); // PBCQ NFIR bit 16 = AIB fenced
  });
  it("PLSSR ANY_ERR|ANY_ERR1|ANY_FREEZE (bits 27..29) = 0x0000001C00000000", () => {
    expect(ppcMask(27, 29)).toBe(0x0000001c00000000n);
  });
  it("fields land with their last bit at 1 << (63 - b)", () => {
    const lem = field(26, 31);
    const w = setField(lem, 0n, 41);
    expect(w).toBe(0x0000002900000000n);
    expect(getField(lem, w)).toBe(41n);
    // The §4.8 composed PESTA: RID 0x0100 in bits 32..47
    expect(getField(field(32, 47), 0xa440002901000000n)).toBe(0x100n);
  });
  it("setField rejects values that do not fit", () => {
    expect(() => setField(field(5, 7), 0n, 8)).toThrow(RangeError);
  });
  it("setBits lists IBM bit numbers", () => {
    expect(setBits(0xa440002901000000n).slice(0, 4)).toEqual([0, 2, 5, 9]);
  });
  it("allOnes per width", () => {
    expect(allOnes(1)).toBe(0xffn);
    expect(allOnes(2)).toBe(0xffffn);
    expect(allOnes(4)).toBe(0xffffffffn);
    expect(allOnes(8)).toBe(0xffffffffffffffffn);
  });
  it("getField(setField(x)) = x for every field and value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (a, b, word, v) => {
        const f = field(Math.min(a, b), Math.max(a, b));
        const width = BigInt(f.last - f.first + 1);
        const value = v & ((1n << width) - 1n);
        const w = setField(f, word, value);
        expect(getField(f, w)).toBe(value);
        expect(w & ~ppcMask(f.first, f.last)).toBe(word & ~ppcMask(f.first, f.last));
      }),
    );
  });
});
