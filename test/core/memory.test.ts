import { describe, expect, it } from "vitest";
import { emptyMemory, memRead, memWrite } from "../../src/core/memory.js";
import { update } from "../../src/core/state.js";
import { ArgumentError } from "../../src/core/errors.js";

describe("system memory", () => {
  it("is zero until written, big-endian, copy-on-write", () => {
    const m0 = { mem: emptyMemory() };
    expect(memRead(m0.mem, 0x1000n, 8)).toBe(0n);
    const { state: m1 } = update(m0, (d) => memWrite(d.mem, 0x1008n, 4, 0x11223344n));
    expect(memRead(m1.mem, 0x1008n, 4)).toBe(0x11223344n);
    expect(memRead(m1.mem, 0x1008n, 1)).toBe(0x11n);
    expect(memRead(m0.mem, 0x1008n, 4)).toBe(0n);
  });
  it("rejects unaligned accesses without changing anything", () => {
    const m0 = { mem: emptyMemory() };
    expect(() => update(m0, (d) => memWrite(d.mem, 0x1001n, 4, 1n))).toThrow(ArgumentError);
    expect(m0.mem).toEqual({});
  });
});
