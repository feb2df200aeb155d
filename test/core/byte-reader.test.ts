import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ByteReader, ByteWriter } from "../../src/core/byte-reader.js";
import { DecodeError } from "../../src/core/errors.js";

describe("ByteReader", () => {
  it("reads big-endian fields", () => {
    const r = new ByteReader(Uint8Array.from([0, 0, 0, 1, 0, 0, 0x11, 0x28, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(r.u32()).toBe(1);
    expect(r.u32()).toBe(0x1128);
    expect(r.u64()).toBe(0x0102030405060708n);
    expect(r.remaining()).toBe(0);
  });
  it("throws DecodeError with the offset of the short read, never past the end", () => {
    const r = new ByteReader(new Uint8Array(6));
    r.u32();
    try {
      r.u32("len");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).offset).toBe(4);
      expect((e as DecodeError).message).toMatch(/len needs 4 bytes, 2 left at byte 4/);
    }
  });
  it("sub-readers report absolute offsets", () => {
    const r = new ByteReader(new Uint8Array(16));
    r.skip(8);
    const s = r.sub(4);
    s.u32();
    expect(() => s.u8()).toThrow(expect.objectContaining({ offset: 12 }));
  });
  it("property: writer then reader round-trips", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 0xffff }), (a, b, c) => {
        const w = new ByteWriter(14);
        w.u32(a);
        w.u64(b);
        w.u16(c);
        const r = new ByteReader(w.bytes);
        expect([r.u32(), r.u64(), r.u16()]).toEqual([a, b, c]);
      }),
    );
  });
});
