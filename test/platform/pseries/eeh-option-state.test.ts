// ibm,set-eeh-option, ibm,read-slot-reset-state2 and ibm,get-config-addr-info2
// (pseries-rtas.md §4.3, §6.2; linux-eeh.md §2.6): status codes for valid and invalid
// arguments, the state word against every freeze combination, nothing changed on failure.

import { describe, expect, it } from "vitest";
import { freezePe, injectBadDma, injectFence, killPhb } from "../../../src/ioda/faults.js";
import {
  EEH_OPT_FREEZE_PE,
  RTAS_EEH_DISABLE,
  RTAS_EEH_ENABLE,
  RTAS_EEH_THAW_DMA,
  RTAS_EEH_THAW_IO,
  RTAS_GET_PE_ADDR,
  RTAS_GET_PE_MODE,
  RTAS_OUT_HW_ERROR,
  RTAS_OUT_PARAM_ERROR,
  RTAS_OUT_SUCCESS,
  RTAS_PE_MODE_NOT_SHARED,
  RTAS_PE_MODE_SHARED,
  rtasConfigAddr,
} from "../../../src/platform/pseries/index.js";
import { expectUnchanged, readState, setOption, snapshot, stateWord } from "./helpers.js";
import { newPlatform } from "./machines.js";

const BUS_PE_FN = "0000:03:00.0"; // PE fb, two functions
const DEV_PE_FN = "0000:04:00.0"; // PE fa, device PE sharing bus 4 with fa's sibling f9
const VF = "0000:05:10.0"; // PE f4
const IODA1_FN = "0001:03:00.0"; // PE 7b

/** linux-eeh.md §2.6: pseries_eeh_get_state's mapping of the state word to EEH_STATE bits. */
function linuxState(r: { state?: number; supported?: number; delayMs?: number }): number {
  if (r.supported === 0) return 0x02;
  switch (r.state) {
    case 0:
      return 0x78;
    case 1:
      return 0x1c;
    case 2:
      return 0;
    case 4:
      return 0x20;
    case 5:
      return r.delayMs ? 0x01 : 0x02;
    default:
      return 0x02;
  }
}

describe("ibm,read-slot-reset-state2 against the PHB model's freeze bits", () => {
  const combos = [
    { mmio: false, dma: false, state: 0, linux: 0x78 },
    { mmio: false, dma: true, state: 4, linux: 0x20 },
    { mmio: true, dma: false, state: 2, linux: 0 },
    { mmio: true, dma: true, state: 2, linux: 0 },
  ];
  for (const fn of [BUS_PE_FN, DEV_PE_FN, VF, IODA1_FN]) {
    for (const c of combos) {
      it(`${fn}: MMIO ${c.mmio ? "frozen" : "active"}, DMA ${c.dma ? "stopped" : "active"} → state ${c.state}`, () => {
        const { m, rtas } = newPlatform();
        const { phb, pe } = m.peOf(fn);
        freezePe(m, phb, pe, c);
        const r = readState(rtas, fn);
        expect(r).toEqual({ status: 0, state: c.state, supported: 1, delayMs: 0, recoveryInfo: 0 });
        expect(linuxState(r)).toBe(c.linux);
        expect(m.peFreezeState(phb, pe)).toEqual({ mmio: c.mmio, dma: c.dma });
      });
    }
  }

  it("a hardware freeze (a DMA outside the TCE mappings) reads 2, and only for that PE", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, BUS_PE_FN);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(2);
    expect(stateWord(rtas, "0000:03:00.1")).toBe(2); // same PE
    expect(stateWord(rtas, DEV_PE_FN)).toBe(0);
    expect(stateWord(rtas, IODA1_FN)).toBe(0);
  });

  it("a fenced PHB reads every PE stopped (2); a dead PHB permanently unavailable (5, delay 0)", () => {
    const { m, rtas } = newPlatform();
    injectFence(m, 0);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(2);
    expect(stateWord(rtas, VF)).toBe(2);
    killPhb(m, 1);
    const r = readState(rtas, IODA1_FN);
    expect(r).toMatchObject({ status: 0, state: 5, supported: 1, delayMs: 0 });
    expect(linuxState(r)).toBe(0x02); // Linux: NOT_SUPPORT → permanent failure
  });

  it("a healthy PE: the call changes nothing at all", () => {
    const { m, rtas } = newPlatform();
    const before = snapshot(rtas, m);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(0);
    expectUnchanged(before, rtas, m);
  });

  it("−3 for an unknown BUID, a config address naming no function, and arguments that are not cells; nothing changes", () => {
    const { m, rtas } = newPlatform();
    freezePe(m, 0, 0xfb, { mmio: true, dma: true });
    const h = rtas.handleOf(BUS_PE_FN);
    const before = snapshot(rtas, m);
    const bad: Array<[number, number, number]> = [
      [h.configAddr, h.buidHi, 0x20000002], // no PHB 2
      [h.configAddr, h.buidHi + 1, h.buidLo],
      [h.configAddr, 0, 0],
      [rtasConfigAddr(9, 0), h.buidHi, h.buidLo], // no bus 9
      [rtasConfigAddr(3, 0x08), h.buidHi, h.buidLo], // 03:01.0 does not exist
      [-1, h.buidHi, h.buidLo],
      [2 ** 32, h.buidHi, h.buidLo],
      [1.5, h.buidHi, h.buidLo],
      [h.configAddr, NaN, h.buidLo],
    ];
    for (const [c, hi, lo] of bad) expect(rtas.readSlotResetState2(c, hi, lo)).toEqual({ status: RTAS_OUT_PARAM_ERROR });
    expectUnchanged(before, rtas, m);
  });

  it("accepts the PE config address and any function's own config address (pre-5.10 kernels), register bits ignored", () => {
    const { m, rtas } = newPlatform();
    freezePe(m, 0, 0xfb, { mmio: false, dma: true });
    const h = rtas.handleOf(BUS_PE_FN);
    expect(h.configAddr).toBe(0x30000);
    expect(rtas.handleOf("0000:03:00.1").configAddr).toBe(0x30000);
    expect(rtas.functionHandle("0000:03:00.1").configAddr).toBe(0x30100);
    for (const c of [0x30000, 0x30100, rtasConfigAddr(3, 1, 0x104)]) expect(rtas.readSlotResetState2(c, h.buidHi, h.buidLo).state).toBe(4);
  });
});

describe("ibm,set-eeh-option", () => {
  it("thaw MMIO (2) then DMA (3) walk the state word 2 → 4 → 0 and clear PESTA/PESTB", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, BUS_PE_FN);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(2);
    expect(setOption(rtas, BUS_PE_FN, RTAS_EEH_THAW_IO)).toBe(RTAS_OUT_SUCCESS);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(4);
    expect(m.phbState(0).hw.pestA[0xfb]).toBe(0n);
    expect(setOption(rtas, BUS_PE_FN, RTAS_EEH_THAW_DMA)).toBe(RTAS_OUT_SUCCESS);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(0);
    expect(m.phbState(0).hw.pestB[0xfb]).toBe(0n);
  });

  it("thawing DMA first leaves MMIO frozen, which reads as stopped (2)", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, DEV_PE_FN);
    expect(setOption(rtas, DEV_PE_FN, RTAS_EEH_THAW_DMA)).toBe(0);
    expect(m.peFreezeState(0, 0xfa)).toEqual({ mmio: true, dma: false });
    expect(stateWord(rtas, DEV_PE_FN)).toBe(2);
  });

  it("disable (0) makes the supported word 0 (Linux: NOT_SUPPORT); enable (1) brings it back", () => {
    const { rtas } = newPlatform();
    expect(setOption(rtas, VF, RTAS_EEH_DISABLE)).toBe(0);
    expect(readState(rtas, VF)).toMatchObject({ status: 0, state: 0, supported: 0 });
    expect(readState(rtas, "0000:05:10.1")).toMatchObject({ supported: 1 }); // another PE
    expect(setOption(rtas, VF, RTAS_EEH_ENABLE)).toBe(0);
    expect(readState(rtas, VF)).toMatchObject({ supported: 1 });
  });

  it("enable on an enabled PE, thaw on a healthy PE: success and the same state objects", () => {
    const { m, rtas } = newPlatform();
    const before = snapshot(rtas, m);
    for (const opt of [RTAS_EEH_ENABLE, RTAS_EEH_THAW_IO, RTAS_EEH_THAW_DMA]) expect(setOption(rtas, BUS_PE_FN, opt)).toBe(0);
    expectUnchanged(before, rtas, m);
  });

  it("option 4 (EEH_OPT_FREEZE_PE) freezes the PE, or is −3 as QEMU answers when the option is off", () => {
    const { m, rtas } = newPlatform();
    expect(setOption(rtas, IODA1_FN, EEH_OPT_FREEZE_PE)).toBe(0);
    expect(m.peFreezeState(1, 0x7b)).toEqual({ mmio: true, dma: true });
    expect(stateWord(rtas, IODA1_FN)).toBe(2);
    const q = newPlatform({ freezeOption: false });
    const before = snapshot(q.rtas, q.m);
    expect(setOption(q.rtas, IODA1_FN, EEH_OPT_FREEZE_PE)).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(before, q.rtas, q.m);
  });

  it("bad options and bad handles are −3 and change nothing", () => {
    const { m, rtas } = newPlatform();
    injectBadDma(m, BUS_PE_FN);
    readState(rtas, BUS_PE_FN); // detection happened: later calls must not redo it
    const before = snapshot(rtas, m);
    for (const opt of [5, 6, 0xffffffff, -1, 2.5, NaN]) expect(setOption(rtas, BUS_PE_FN, opt)).toBe(RTAS_OUT_PARAM_ERROR);
    const h = rtas.handleOf(BUS_PE_FN);
    expect(rtas.setEehOption(h.configAddr, h.buidHi, 0x20000009, RTAS_EEH_THAW_IO)).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.setEehOption(rtasConfigAddr(0x42, 0), h.buidHi, h.buidLo, RTAS_EEH_THAW_IO)).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(before, rtas, m);
  });

  it("thaw on a fenced or dead PHB is a hardware error (−1) and changes nothing", () => {
    const { m, rtas } = newPlatform();
    injectFence(m, 0);
    killPhb(m, 1);
    const before = snapshot(rtas, m);
    expect(setOption(rtas, BUS_PE_FN, RTAS_EEH_THAW_IO)).toBe(RTAS_OUT_HW_ERROR);
    expect(setOption(rtas, IODA1_FN, RTAS_EEH_THAW_DMA)).toBe(RTAS_OUT_HW_ERROR);
    expect(setOption(rtas, IODA1_FN, EEH_OPT_FREEZE_PE)).toBe(RTAS_OUT_HW_ERROR);
    expectUnchanged(before, rtas, m);
  });
});

describe("ibm,get-config-addr-info2", () => {
  const info = (rtas: ReturnType<typeof newPlatform>["rtas"], ref: string, fn: number) => {
    const h = rtas.functionHandle(ref);
    return rtas.getConfigAddrInfo2(h.configAddr, h.buidHi, h.buidLo, fn);
  };

  it("function 0: the PE config address (the PE's first function), for every function of the PE", () => {
    const { rtas } = newPlatform();
    expect(info(rtas, "0000:03:00.1", RTAS_GET_PE_ADDR)).toEqual({ status: 0, info: 0x30000 });
    expect(info(rtas, "0000:04:01.0", RTAS_GET_PE_ADDR)).toEqual({ status: 0, info: 0x40800 });
    expect(info(rtas, "0000:05:10.1", RTAS_GET_PE_ADDR)).toEqual({ status: 0, info: 0x58100 });
    expect(info(rtas, "0000:07:00.0", RTAS_GET_PE_ADDR)).toEqual({ status: 0, info: 0x70000 }); // BUS_ALL PE below the PCIe-to-PCI bridge
    expect(info(rtas, "0000:00:00.0", RTAS_GET_PE_ADDR)).toEqual({ status: 0, info: 0 });
  });

  it("function 1: shared (2) for a PE of several functions, not shared (1) for one", () => {
    const { rtas } = newPlatform();
    expect(info(rtas, "0000:03:00.0", RTAS_GET_PE_MODE)).toEqual({ status: 0, info: RTAS_PE_MODE_SHARED });
    expect(info(rtas, "0000:04:00.0", RTAS_GET_PE_MODE)).toEqual({ status: 0, info: RTAS_PE_MODE_NOT_SHARED });
    expect(info(rtas, "0000:05:10.0", RTAS_GET_PE_MODE)).toEqual({ status: 0, info: RTAS_PE_MODE_NOT_SHARED });
    expect(info(rtas, "0001:03:00.0", RTAS_GET_PE_MODE)).toEqual({ status: 0, info: RTAS_PE_MODE_NOT_SHARED });
  });

  it("−3 for another function number, an unknown BUID or a config address naming no function", () => {
    const { m, rtas } = newPlatform();
    const before = snapshot(rtas, m);
    const h = rtas.functionHandle("0000:03:00.0");
    expect(rtas.getConfigAddrInfo2(h.configAddr, h.buidHi, h.buidLo, 2)).toEqual({ status: RTAS_OUT_PARAM_ERROR });
    expect(rtas.getConfigAddrInfo2(h.configAddr, h.buidHi, h.buidLo, -1)).toEqual({ status: RTAS_OUT_PARAM_ERROR });
    expect(rtas.getConfigAddrInfo2(h.configAddr, 0, 0, 0)).toEqual({ status: RTAS_OUT_PARAM_ERROR });
    expect(rtas.getConfigAddrInfo2(rtasConfigAddr(3, 2), h.buidHi, h.buidLo, 0)).toEqual({ status: RTAS_OUT_PARAM_ERROR });
    expect(rtas.getConfigAddrInfo2(rtasConfigAddr(3, 2), h.buidHi, h.buidLo, 1)).toEqual({ status: RTAS_OUT_PARAM_ERROR });
    expectUnchanged(before, rtas, m);
  });
});
