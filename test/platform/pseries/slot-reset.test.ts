// ibm,set-slot-reset and ibm,configure-pe on the virtual clock (pseries-rtas.md §4.3;
// linux-eeh.md §3.5, §3.6, §3.10): assert, hold, deassert, settle, configure; what each kind
// of PE resets; a reset that cannot bring the PE back; status codes for bad arguments.

import { describe, expect, it } from "vitest";
import { injectBadDma, injectFence, injectLinkDown, killPhb } from "../../../src/ioda/faults.js";
import { barAddress } from "../../../src/pci/config-space.js";
import { PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "../../../src/pci/regs.js";
import {
  RTAS_EEH_THAW_IO,
  RTAS_OUT_FRESET_NOT_SUPPORTED,
  RTAS_OUT_HW_ERROR,
  RTAS_OUT_PARAM_ERROR,
  RTAS_RESET_HOLD_MIN_MS,
  RTAS_RESET_SETTLE_MS,
  RTAS_SLOT_RESET_DEACTIVATE,
  RTAS_SLOT_RESET_FUNDAMENTAL,
  RTAS_SLOT_RESET_HOT,
} from "../../../src/platform/pseries/index.js";
import { configurePe, expectUnchanged, readState, setOption, slotReset, snapshot, stateWord } from "./helpers.js";
import { newPlatform } from "./machines.js";

const BUS_PE_FN = "0000:03:00.0";
const rid = (bus: number, dev: number, fn = 0) => (bus << 8) | (dev << 3) | fn;
const bar0 = (m: ReturnType<typeof newPlatform>["m"], phb: number, r: number) => barAddress(m.phbState(phb).functions[r]!.config, 0);

describe("the reset sequence on the virtual clock", () => {
  it("assert → state 1; early deassert → extended delay; deassert → thawed, unavailable while the link trains; then normal; configure-pe", () => {
    const { m, clock, rtas } = newPlatform();
    injectBadDma(m, BUS_PE_FN);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(2);
    expect(bar0(m, 0, rid(3, 0))).not.toBe(0);

    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(readState(rtas, BUS_PE_FN)).toMatchObject({ status: 0, state: 1, supported: 1, delayMs: 0 });
    expect(bar0(m, 0, rid(3, 0))).toBe(0); // the adapter is in reset: power-on config space
    expect(m.peFreezeState(0, 0xfb)).toEqual({ mmio: true, dma: true }); // held frozen while in reset
    expect(m.events.at(-1)).toMatchObject({ kind: "reset", scope: "bus", bridge: rid(2, 0) });

    clock.advanceBy(50);
    let before = snapshot(rtas, m);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(9902); // 50 ms left → retry in 100 ms
    clock.advanceBy(49);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(9900); // 1 ms left
    expectUnchanged(before, rtas, m);
    expect(configurePe(rtas, BUS_PE_FN)).toBe(RTAS_OUT_HW_ERROR); // still held in reset

    clock.advanceTo(250); // Linux's EEH_PE_RST_HOLD_TIME
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expect(m.peFreezeState(0, 0xfb)).toEqual({ mmio: false, dma: false });
    expect(readState(rtas, BUS_PE_FN)).toMatchObject({ status: 0, state: 5, delayMs: RTAS_RESET_SETTLE_MS });
    expect(configurePe(rtas, BUS_PE_FN)).toBe(9904); // 1500 ms left

    clock.advanceBy(RTAS_RESET_SETTLE_MS - 1);
    expect(readState(rtas, BUS_PE_FN)).toMatchObject({ state: 5, delayMs: 1 });
    expect(configurePe(rtas, BUS_PE_FN)).toBe(9900);
    clock.advanceBy(1);
    expect(readState(rtas, BUS_PE_FN)).toEqual({ status: 0, state: 0, supported: 1, delayMs: 0, recoveryInfo: 0 });
    before = snapshot(rtas, m);
    expect(configurePe(rtas, BUS_PE_FN)).toBe(0); // nothing to reprogram on an endpoint bus
    expectUnchanged(before, rtas, m);
  });

  it("a second deactivate, or one without an assert, is a no-op success", () => {
    const { m, clock, rtas } = newPlatform();
    const before = snapshot(rtas, m);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expectUnchanged(before, rtas, m);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_FUNDAMENTAL)).toBe(0);
    clock.advanceBy(RTAS_RESET_HOLD_MIN_MS);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    const after = snapshot(rtas, m);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expectUnchanged(after, rtas, m);
  });

  it("the reset thaws the PEs below the reset one, which were reset with it", () => {
    const { m, clock, rtas } = newPlatform();
    injectBadDma(m, "0000:03:00.0");
    injectBadDma(m, "0000:05:10.1");
    expect(slotReset(rtas, "0000:01:00.0", RTAS_SLOT_RESET_HOT)).toBe(0); // PE fd: everything below the root port
    clock.advanceBy(250);
    expect(slotReset(rtas, "0000:01:00.0", RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expect([0xfd, 0xfc, 0xfb, 0xf5].map((pe) => m.peFreezeState(0, pe))).toEqual(Array(4).fill({ mmio: false, dma: false }));
  });

  it("configure-pe gives the bridges below a reset PE their bus numbers back", () => {
    const { m, clock, rtas } = newPlatform();
    const busOf = (r: number) => [PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS].map((o) => m.configRead(`0000:${(r >> 8).toString(16).padStart(2, "0")}:${((r >> 3) & 0x1f).toString(16).padStart(2, "0")}.${r & 7}`, o, 1));
    const before = [rid(1, 0), rid(2, 0), rid(2, 3), rid(6, 0)].map(busOf);
    expect(before).toEqual([[1, 2, 7], [2, 3, 3], [2, 6, 7], [6, 7, 7]]);
    expect(slotReset(rtas, "0000:01:00.0", RTAS_SLOT_RESET_FUNDAMENTAL)).toBe(0);
    expect([rid(1, 0), rid(2, 0), rid(2, 3), rid(6, 0)].map(busOf)).toEqual(Array(4).fill([0, 0, 0]));
    clock.advanceBy(250);
    expect(slotReset(rtas, "0000:01:00.0", RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    clock.advanceBy(1800);
    expect(configurePe(rtas, "0000:01:00.0")).toBe(0);
    const h = rtas.handleOf("0000:01:00.0");
    expect(rtas.configureBridge(h.configAddr, h.buidHi, h.buidLo)).toBe(0);
    expect([rid(1, 0), rid(2, 0), rid(2, 3), rid(6, 0)].map(busOf)).toEqual(before);
  });
});

describe("what a reset resets", () => {
  it("device PEs sharing a bus: only the PE's own function (no secondary bus reset of its siblings)", () => {
    const { m, rtas } = newPlatform();
    const sibling = bar0(m, 0, rid(4, 1));
    expect(slotReset(rtas, "0000:04:00.0", RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(bar0(m, 0, rid(4, 0))).toBe(0);
    expect(bar0(m, 0, rid(4, 1))).toBe(sibling);
    expect(m.peFreezeState(0, 0xf9)).toEqual({ mmio: false, dma: false });
  });

  it("a VF PE: function-level reset of the VF; a fundamental reset is −8 (Linux retries hot)", () => {
    const { m, rtas } = newPlatform();
    const pf = bar0(m, 0, rid(5, 0));
    const other = bar0(m, 0, rid(5, 0x10, 1));
    const before = snapshot(rtas, m);
    expect(slotReset(rtas, "0000:05:10.0", RTAS_SLOT_RESET_FUNDAMENTAL)).toBe(RTAS_OUT_FRESET_NOT_SUPPORTED);
    expectUnchanged(before, rtas, m);
    expect(slotReset(rtas, "0000:05:10.0", RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(bar0(m, 0, rid(5, 0x10, 0))).toBe(0);
    expect(bar0(m, 0, rid(5, 0))).toBe(pf);
    expect(bar0(m, 0, rid(5, 0x10, 1))).toBe(other);
  });

  it("the root-bus PE: a complete PHB reset", () => {
    const { m, rtas } = newPlatform();
    expect(rtas.handleOf("0000:00:00.0").configAddr).toBe(0);
    expect(slotReset(rtas, "0000:00:00.0", RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(m.events.at(-1)).toMatchObject({ kind: "reset", scope: "phb", phb: 0 });
  });

  it("any PE of a fenced PHB: a complete reset, the only thing that lifts the fence", () => {
    const { m, clock, rtas } = newPlatform();
    injectFence(m, 0);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(2);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(m.events.at(-1)).toMatchObject({ kind: "reset", scope: "phb" });
    clock.advanceBy(250);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    clock.advanceBy(1800);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(0);
    expect(stateWord(rtas, "0000:05:10.0")).toBe(0);
  });
});

describe("resets that fail", () => {
  it("a permanent link fault: after the deassert the PE stays frozen and is permanently unavailable (5, delay 0)", () => {
    const { m, clock, rtas } = newPlatform();
    injectLinkDown(m, "0000:02:00.0", { permanent: true });
    expect(stateWord(rtas, BUS_PE_FN)).toBe(2);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_HOT)).toBe(0);
    clock.advanceBy(250);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expect(m.peFreezeState(0, 0xfb)).toEqual({ mmio: true, dma: true });
    clock.advanceBy(1800);
    expect(readState(rtas, BUS_PE_FN)).toMatchObject({ status: 0, state: 5, delayMs: 0 });
    const before = snapshot(rtas, m);
    expect(configurePe(rtas, BUS_PE_FN)).toBe(RTAS_OUT_HW_ERROR);
    expect(setOption(rtas, BUS_PE_FN, RTAS_EEH_THAW_IO)).toBe(RTAS_OUT_HW_ERROR);
    expectUnchanged(before, rtas, m);
    // Linux retries the reset (eeh_pe_reset_full, 3 attempts): the same outcome.
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_HOT)).toBe(0);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(1);
    clock.advanceBy(250);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(5);
  });

  it("a transient link fault is cured by the reset", () => {
    const { m, clock, rtas } = newPlatform();
    injectLinkDown(m, "0000:02:00.0");
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_HOT)).toBe(0);
    clock.advanceBy(250);
    expect(slotReset(rtas, BUS_PE_FN, RTAS_SLOT_RESET_DEACTIVATE)).toBe(0);
    clock.advanceBy(1800);
    expect(stateWord(rtas, BUS_PE_FN)).toBe(0);
  });

  it("a dead PHB: −1 for assert and deassert, nothing changes", () => {
    const { m, rtas } = newPlatform();
    killPhb(m, 0);
    const before = snapshot(rtas, m);
    for (const opt of [RTAS_SLOT_RESET_HOT, RTAS_SLOT_RESET_FUNDAMENTAL, RTAS_SLOT_RESET_DEACTIVATE]) expect(slotReset(rtas, BUS_PE_FN, opt)).toBe(RTAS_OUT_HW_ERROR);
    expect(configurePe(rtas, BUS_PE_FN)).toBe(RTAS_OUT_HW_ERROR);
    expectUnchanged(before, rtas, m);
  });
});

describe("bad arguments", () => {
  it("options other than 0, 1, 3 and unknown handles are −3; nothing changes", () => {
    const { m, rtas } = newPlatform();
    const before = snapshot(rtas, m);
    for (const opt of [2, 4, 5, -1, 0x100, 1.5]) expect(slotReset(rtas, BUS_PE_FN, opt)).toBe(RTAS_OUT_PARAM_ERROR);
    const h = rtas.handleOf(BUS_PE_FN);
    expect(rtas.setSlotReset(h.configAddr, h.buidHi, 0x20000005, RTAS_SLOT_RESET_HOT)).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.setSlotReset(0x99000, h.buidHi, h.buidLo, RTAS_SLOT_RESET_HOT)).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.configurePe(0x99000, h.buidHi, h.buidLo)).toBe(RTAS_OUT_PARAM_ERROR);
    expect(rtas.configureBridge(h.configAddr, 0, h.buidLo)).toBe(RTAS_OUT_PARAM_ERROR);
    expectUnchanged(before, rtas, m);
  });
});
