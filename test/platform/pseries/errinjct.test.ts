// ibm,open-errinjct / ibm,errinjct / ibm,close-errinjct (pseries-rtas.md §4.5, §6.5;
// linux-eeh.md §6): the token protocol, the IOA bus error work area, which types and
// functions pSeries supports, and the freeze a later matching access causes.

import { describe, expect, it } from "vitest";
import { m32CpuBase } from "../../../src/ioda/address-map.js";
import { injectionMask } from "../../../src/ioda/err-inject.js";
import { frozenPes } from "../../../src/ioda/phb-engine.js";
import {
  EEH_ERR_TYPE_32,
  EEH_ERR_TYPE_64,
  RTAS_ERR_TYPE_CORRUPTED_PAGE,
  RTAS_ERR_TYPE_IOA_BUS_ERROR,
  RTAS_ERR_TYPE_IOA_BUS_ERROR_64,
  RTAS_ERRINJCT_TOKENS,
  RTAS_OUT_ERRINJCT_ALREADY_OPEN,
  RTAS_OUT_ERRINJCT_NOT_ENABLED,
  RTAS_OUT_PARAM_ERROR,
  RTAS_SLOT_RESET_DEACTIVATE,
  RTAS_SLOT_RESET_HOT,
  RTAS_EEH_THAW_IO,
  decodeIoaBusErrorWorkArea,
  encodeIoaBusErrorWorkArea,
  ioaBusErrorToken,
  type IoaBusError,
  type PseriesPlatform,
} from "../../../src/platform/pseries/index.js";
import { expectUnchanged, readState, setOption, slotReset, snapshot } from "./helpers.js";
import { newPlatform } from "./machines.js";

function request(rtas: PseriesPlatform, ref: string, type: number, func: number, addr = 0n, mask = 0n): IoaBusError {
  const h = rtas.handleOf(ref);
  return { type, func, addr, mask, configAddr: h.configAddr, buidHi: h.buidHi, buidLo: h.buidLo };
}

function inject(rtas: PseriesPlatform, token: number, e: IoaBusError, typeToken = ioaBusErrorToken(e.type)): number {
  return rtas.errinjct(typeToken, token, encodeIoaBusErrorWorkArea(e));
}

describe("the open/close token protocol", () => {
  it("open hands out a token (first output) with status 0 (second); a second open is −4; close frees it", () => {
    const { m, rtas } = newPlatform();
    const a = rtas.openErrinjct();
    expect(a).toEqual({ token: 1, status: 0 });
    const before = snapshot(rtas, m);
    expect(rtas.openErrinjct()).toEqual({ token: 0, status: RTAS_OUT_ERRINJCT_ALREADY_OPEN });
    expect(rtas.closeErrinjct(a.token + 1)).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(before, rtas, m);
    expect(rtas.closeErrinjct(a.token)).toBe(0);
    expect(rtas.closeErrinjct(a.token)).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.openErrinjct()).toEqual({ token: 2, status: 0 });
  });

  it("open is −5 when PCI error injection is not enabled", () => {
    const { m, rtas } = newPlatform({ errinjctEnabled: false });
    const before = snapshot(rtas, m);
    expect(rtas.openErrinjct()).toEqual({ token: 0, status: RTAS_OUT_ERRINJCT_NOT_ENABLED });
    expectUnchanged(before, rtas, m);
  });

  it("ibm,errinjct with a closed, stale or wrong token is −3 and arms nothing", () => {
    const { m, rtas } = newPlatform();
    const e = request(rtas, "0000:03:00.0", EEH_ERR_TYPE_32, 0);
    const before = snapshot(rtas, m);
    expect(inject(rtas, 1, e)).toBe(RTAS_OUT_PARAM_ERROR); // never opened
    const { token } = rtas.openErrinjct();
    const opened = snapshot(rtas, m);
    expect(inject(rtas, token + 7, e)).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(opened, rtas, m);
    rtas.closeErrinjct(token);
    expect(inject(rtas, token, e)).toBe(RTAS_OUT_PARAM_ERROR); // closed
    expect(m.phbState(0).hw.regs.injCtl).toBe(0n);
    expect(m.state).toBe(before.machine);
  });
});

describe("IOA bus errors", () => {
  it("work area layouts: 32-bit [addr, mask, cfg, hi, lo, func]; 64-bit [addr×2, mask×2, cfg, hi, lo, func]", () => {
    const e32: IoaBusError = { type: EEH_ERR_TYPE_32, addr: 0x80001000n, mask: 0xfffff000n, configAddr: 0x30000, buidHi: 0x08000000, buidLo: 0x20000000, func: 7 };
    const w32 = encodeIoaBusErrorWorkArea(e32);
    expect(w32.length).toBe(1024);
    expect([...new DataView(w32.buffer).getUint32(8).toString(16)].join("")).toBe("30000");
    expect([0, 4, 8, 12, 16, 20].map((o) => new DataView(w32.buffer).getUint32(o))).toEqual([0x80001000, 0xfffff000, 0x30000, 0x08000000, 0x20000000, 7]);
    expect(decodeIoaBusErrorWorkArea(RTAS_ERR_TYPE_IOA_BUS_ERROR, w32)).toEqual(e32);
    const e64: IoaBusError = { ...e32, type: EEH_ERR_TYPE_64, addr: 0x2080_0000_1000n, mask: 0xffff_ffff_ffff_f000n };
    const w64 = encodeIoaBusErrorWorkArea(e64);
    expect([0, 4, 8, 12, 16, 20, 24, 28].map((o) => new DataView(w64.buffer).getUint32(o))).toEqual([0x2080, 0x1000, 0xffffffff, 0xfffff000, 0x30000, 0x08000000, 0x20000000, 7]);
    expect(decodeIoaBusErrorWorkArea(RTAS_ERR_TYPE_IOA_BUS_ERROR_64, w64)).toEqual(e64);
    expect(decodeIoaBusErrorWorkArea(RTAS_ERR_TYPE_CORRUPTED_PAGE, w64)).toBeUndefined();
    expect(decodeIoaBusErrorWorkArea(RTAS_ERR_TYPE_IOA_BUS_ERROR_64, w64.subarray(0, 28))).toBeUndefined();
  });

  it("32-bit load (func 0), address 0: arms the PE's M32 segment; nothing freezes until a load through it", () => {
    const { m, rtas } = newPlatform();
    const { token } = rtas.openErrinjct();
    expect(inject(rtas, token, request(rtas, "0000:03:00.0", EEH_ERR_TYPE_32, 0))).toBe(0);
    expect(m.phbState(0).hw.regs.injCtl).toBe(0x4800000000000000n);
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(m.events.at(-1)).toMatchObject({ kind: "inject-armed", phb: 0, pe: 0xfb });
    const bar = m.phbLayout(0).barsByRid.get(0x300)!.find((b) => b.type === "mem32")!;
    m.mmioStore(bar.cpuStart, 4, 1n); // a store does not match a load injection
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(m.mmioLoad(bar.cpuStart, 4)).toBe(0xffffffffn);
    expect(frozenPes(m.phbState(0).hw)).toEqual([0xfb]);
    expect(readState(rtas, "0000:03:00.0").state).toBe(2);
  });

  it("a 32-bit PCI bus address is translated to the CPU address the comparator matches", () => {
    const { m, rtas } = newPlatform();
    const { token } = rtas.openErrinjct();
    const bar = m.phbLayout(0).barsByRid.get(0x300)!.find((b) => b.type === "mem32")!;
    expect(inject(rtas, token, request(rtas, "0000:03:00.0", EEH_ERR_TYPE_32, 7, bar.pciAddress, 0xfffff000n))).toBe(0);
    expect(m.phbState(0).hw.regs.injAddr).toBe(bar.cpuStart);
    expect(bar.cpuStart - m32CpuBase(0)).toBe(bar.pciAddress - 0x8000_0000n);
    expect(m.phbState(0).hw.regs.injMask).toBe(0x0000_ffff_ffff_f000n);
  });

  it("64-bit store (func 6) on a VF PE arms its M64 segment; a store freezes that VF's PE only", () => {
    const { m, rtas } = newPlatform();
    const { token } = rtas.openErrinjct();
    expect(inject(rtas, token, request(rtas, "0000:05:10.0", EEH_ERR_TYPE_64, 6))).toBe(0);
    expect(m.phbState(0).hw.regs.injCtl).toBe(0x4400000000000000n);
    const bar = m.phbLayout(0).barsByRid.get(0x580)!.find((b) => b.type === "mem64")!;
    m.mmioStore(bar.cpuStart, 8, 5n);
    expect(frozenPes(m.phbState(0).hw)).toEqual([0xf4]);
    expect(m.phbState(0).hw.regs.injMask).toBe(injectionMask(0x1000_0000n) & 0x0000_ffff_ffff_ffffn);
  });

  it("firmware disarms its injection when it thaws or resets that PE (PAPR injects one error)", () => {
    const { m, clock, rtas } = newPlatform();
    const { token } = rtas.openErrinjct();
    inject(rtas, token, request(rtas, "0000:04:00.0", EEH_ERR_TYPE_32, 1));
    const bar = m.phbLayout(0).barsByRid.get(0x400)!.find((b) => b.type === "mem32")!;
    m.mmioLoad(bar.cpuStart, 4);
    expect(setOption(rtas, "0000:04:00.0", RTAS_EEH_THAW_IO)).toBe(0);
    expect(m.phbState(0).hw.regs.injCtl).toBe(0n);
    expect(m.mmioLoad(bar.cpuStart, 4)).not.toBe(0xffffffffn); // MMIO works again, no second freeze
    expect(m.peFreezeState(0, 0xfa)).toEqual({ mmio: false, dma: true });
    inject(rtas, token, request(rtas, "0000:04:00.0", EEH_ERR_TYPE_32, 1));
    expect(slotReset(rtas, "0000:04:00.0", RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(m.phbState(0).hw.regs.injCtl).toBe(0n);
    clock.advanceBy(250);
    expect(slotReset(rtas, "0000:04:00.0", RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expect(rtas.phbFirmware(0).injectionPe).toBeNull();
  });

  it("unsupported types and functions, unknown tokens, short areas and unknown PEs are −3 and change nothing", () => {
    const { m, rtas } = newPlatform();
    const { token } = rtas.openErrinjct();
    const before = snapshot(rtas, m);
    const ok = request(rtas, "0000:03:00.0", EEH_ERR_TYPE_32, 0);
    // DMA, config and IO functions exist in PAPR but pSeries supports memory load/store only.
    for (const func of [2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 16, 19, 20, 0xffffffff]) expect(inject(rtas, token, { ...ok, func })).toBe(RTAS_OUT_PARAM_ERROR);
    for (const [, t] of RTAS_ERRINJCT_TOKENS.filter(([n]) => !n.startsWith("ioa-bus-error"))) expect(rtas.errinjct(t, token, encodeIoaBusErrorWorkArea(ok))).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.errinjct(0x99, token, encodeIoaBusErrorWorkArea(ok))).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.errinjct(RTAS_ERR_TYPE_IOA_BUS_ERROR, token, new Uint8Array(16))).toBe(RTAS_OUT_PARAM_ERROR);
    expect(inject(rtas, token, { ...ok, configAddr: 0x990000 })).toBe(RTAS_OUT_PARAM_ERROR);
    expect(inject(rtas, token, { ...ok, buidLo: 0x20000044 })).toBe(RTAS_OUT_PARAM_ERROR);
    // The model refuses: P7IOC has no 64-bit injection; the root-bus PE owns no M32 segment.
    expect(inject(rtas, token, request(rtas, "0001:03:00.0", EEH_ERR_TYPE_64, 0))).toBe(RTAS_OUT_PARAM_ERROR);
    expect(inject(rtas, token, request(rtas, "0000:00:00.0", EEH_ERR_TYPE_32, 0))).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(before, rtas, m);
  });
});
