import { describe, expect, it } from "vitest";
import { ArgumentError, DecodeError } from "../../../src/core/errors.js";
import {
  OPAL_PHB3_ERROR_DATA_SIZE,
  decodePhbDiag,
  decodePhbDiagDetailed,
  detectPhbDiag,
  encodePhbDiag,
  zeroPhbDiag,
  type PhbDiagData,
} from "../../../src/log/opal/index.js";
import { section48Example } from "./example.js";

const be32 = (b: Uint8Array, off: number): number => new DataView(b.buffer, b.byteOffset).getUint32(off, false);
const be64 = (b: Uint8Array, off: number): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(off, false);

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    decodePhbDiag(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error("expected a DecodeError");
}

describe("encodePhbDiag", () => {
  it("writes the §4.8 example big-endian at the spec offsets", () => {
    const b = encodePhbDiag(section48Example());
    expect(b.byteLength).toBe(4392);
    expect([be32(b, 0), be32(b, 4), be32(b, 8)]).toEqual([1, 2, 4392]);
    expect(be32(b, 0x00c)).toBe(2); // brdgCtl
    expect(be32(b, 0x01c)).toBe(0x0008000f); // deviceStatus
    expect(be32(b, 0x02c)).toBe(0x2000); // devSecStatus
    expect(be64(b, 0x080)).toBe(0x1c00000000n); // phbPlssr
    expect(be64(b, 0x090)).toBe(0x400000n); // lemFir
    expect(be64(b, 0x0c8)).toBe(0x20000000000n); // mmioErrorStatus
    expect(be64(b, 0x128 + 0xfd * 8)).toBe(0xa440002901000000n); // pestA[0xfd]
    expect(be64(b, 0x928 + 0xfd * 8)).toBe(0x8000000000000000n); // pestB[0xfd]
    expect([...b.subarray(0x00, 0x04)]).toEqual([0, 0, 0, 1]); // big-endian, not host order
  });

  it("emits the 4-byte padding as zeros (§9 item 7)", () => {
    const b = encodePhbDiag({ ...zeroPhbDiag(2), rsv3: 0xffffffff, errorClass: (1n << 64n) - 1n });
    expect([...b.subarray(0x050, 0x054)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect([...b.subarray(0x054, 0x058)]).toEqual([0, 0, 0, 0]);
    const b4 = encodePhbDiag({ ...zeroPhbDiag(3), sourceId: 0xffffffff, nFir: (1n << 64n) - 1n });
    expect([...b4.subarray(0x044, 0x048)]).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ["u32 too large", { brdgCtl: 0x1_0000_0000 }],
    ["u32 negative", { sourceId: -1 }],
    ["u32 not integer", { linkStatus: 1.5 }],
    ["u64 as number", { lemFir: 5 }],
    ["u64 too large", { nFir: 1n << 64n }],
    ["short PEST table", { pestA: [0n] }],
  ])("rejects %s with an ArgumentError", (_what, patch) => {
    const bad = { ...zeroPhbDiag(2), ...patch } as unknown as PhbDiagData;
    expect(() => encodePhbDiag(bad)).toThrow(ArgumentError);
  });
});

describe("decodePhbDiag", () => {
  it("reads the §4.8 example back", () => {
    expect(decodePhbDiag(encodePhbDiag(section48Example()))).toEqual(section48Example());
  });

  it.each([1, 2, 3] as const)("round-trips an all-zero ioType %d structure", (t) => {
    expect(decodePhbDiag(encodePhbDiag(zeroPhbDiag(t)))).toEqual(zeroPhbDiag(t));
  });

  it("keeps rsv3 as read", () => {
    const d = decodePhbDiag(encodePhbDiag({ ...zeroPhbDiag(1), rsv3: 0xdeadbeef }));
    expect(d.ioType === 1 && d.rsv3).toBe(0xdeadbeef);
  });

  describe("errors carry the byte offset", () => {
    const good = encodePhbDiag(section48Example());
    const patched = (off: number, v: number): Uint8Array => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(off, v, false);
      return b;
    };

    it.each([0, 1, 11])("shorter than the 12-byte header (%d bytes) → offset = length", (n) => {
      const e = decodeError(good.slice(0, n));
      expect(e.offset).toBe(n);
      expect(e.message).toMatch(/header/);
    });
    it("version ≠ 1 → offset 0", () => expect(decodeError(patched(0, 2)).offset).toBe(0));
    it("unknown ioType → offset 4", () => expect(decodeError(patched(4, 9)).offset).toBe(4));
    it("len not the type's size → offset 8", () => {
      expect(decodeError(patched(8, 4391)).offset).toBe(8);
      expect(decodeError(patched(4, 3)).offset).toBe(8); // a PHB3-sized blob labelled PHB4
    });
    it("buffer shorter than len → offset = buffer length", () => {
      const e = decodeError(good.slice(0, 4000));
      expect(e.offset).toBe(4000);
      expect(e.code).toBe("DECODE");
    });
    it("non-zero byte after len → its offset", () => {
      const b = new Uint8Array(8192);
      b.set(good);
      b[5000] = 7;
      expect(decodeError(b).offset).toBe(5000);
    });
  });

  it("accepts a Linux-sized buffer with zero fill after the struct, and says so", () => {
    const b = new Uint8Array(8192);
    b.set(encodePhbDiag(section48Example()));
    const r = decodePhbDiagDetailed(b);
    expect(r.data).toEqual(section48Example());
    expect(r.notes).toEqual([{ kind: "trailing-zeros", offset: OPAL_PHB3_ERROR_DATA_SIZE, length: 8192 - OPAL_PHB3_ERROR_DATA_SIZE }]);
  });

  it("accepts non-zero padding and reports it", () => {
    const b = encodePhbDiag(zeroPhbDiag(2));
    b[0x057] = 0x5a;
    const r = decodePhbDiagDetailed(b);
    expect(r.data).toEqual(zeroPhbDiag(2));
    expect(r.notes).toEqual([{ kind: "padding-nonzero", offset: 0x054, size: 4, value: 0x5a }]);
  });

  it("decodes from a view into a larger buffer", () => {
    const big = new Uint8Array(5000);
    big.set(encodePhbDiag(section48Example()), 100);
    expect(decodePhbDiag(big.subarray(100, 100 + 4392))).toEqual(section48Example());
  });

  it("rejects a non-Uint8Array argument as API misuse", () => {
    expect(() => decodePhbDiag("blob" as unknown as Uint8Array)).toThrow(ArgumentError);
  });
});

describe("detectPhbDiag", () => {
  it("names the model of a valid blob and never throws on junk", () => {
    expect(detectPhbDiag(encodePhbDiag(zeroPhbDiag(3)))).toEqual({ version: 1, ioType: 3, model: "PHB4", len: 8576 });
    expect(detectPhbDiag(new Uint8Array(3))).toBeUndefined();
    expect(detectPhbDiag(new Uint8Array(5000))).toBeUndefined();
  });
});
