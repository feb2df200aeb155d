// The OPAL PCI EEH calls (powernv-opal.md §2.3, §6, §9) over both PHB models.
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/clock.js";
import { Machine } from "../../../src/ioda/machine.js";
import { injectBadDma, injectFence, injectMmioError, killPhb, injectLinkDown } from "../../../src/ioda/faults.js";
import { OpalFirmware, FIRST_FROZEN_PE_UNWRITTEN } from "../../../src/platform/powernv/opal.js";
import * as O from "../../../src/platform/powernv/opal-api.js";
import { decodePhbDiag } from "../../../src/log/opal/decode.js";
import { switchPhb } from "../../ioda/fixtures.js";
import { PCI_AER_CAP_BASE } from "../../../src/pci/config-space.js";
import { PCI_ERR_UNC_MALF_TLP } from "../../../src/pci/regs.js";
import { withHardwareWrites } from "../../../src/pci/config-space.js";
import { ppcBit } from "../../../src/core/bits.js";
import { frozenPes } from "../../../src/ioda/phb-engine.js";

function setup(model: "ioda1" | "ioda2" = "ioda2", ports = 3) {
  const m = Machine.build({ phbs: [switchPhb(0, model, ports)] });
  const clock = new VirtualClock();
  const opal = new OpalFirmware(m, clock);
  return { m, clock, opal };
}

describe("unknown PHB ids and bad arguments return OPAL codes, never throw", () => {
  it("every call", () => {
    const { opal, m } = setup();
    const before = m.state;
    expect(opal.eehFreezeStatus(7, 1).rc).toBe(O.OPAL_PARAMETER);
    expect(opal.eehFreezeClear(7, 1, 3)).toBe(O.OPAL_PARAMETER);
    expect(opal.eehFreezeSet(7, 1, 3)).toBe(O.OPAL_PARAMETER);
    expect(opal.nextError(7).rc).toBe(O.OPAL_PARAMETER);
    expect(opal.getPhbDiagData2(7, 8192).rc).toBe(O.OPAL_PARAMETER);
    expect(opal.errInject(7, 1, 0, 0, 0n, 0n)).toBe(O.OPAL_PARAMETER);
    expect(opal.pciReset(7, O.OPAL_RESET_PCI_HOT, 1)).toBe(O.OPAL_PARAMETER);
    expect(opal.pciPoll(7)).toBe(O.OPAL_PARAMETER);
    expect(opal.eehFreezeSet(0, 256, 3)).toBe(O.OPAL_PARAMETER);
    expect(opal.eehFreezeSet(0, 1, 0)).toBe(O.OPAL_PARAMETER);
    expect(opal.eehFreezeSet(0, 1, 4)).toBe(O.OPAL_PARAMETER);
    expect(opal.getPhbDiagData2(0, 4391).rc).toBe(O.OPAL_PARAMETER);
    expect(opal.errInject(0, 0xfb, 2, 0, 0n, 0n)).toBe(O.OPAL_PARAMETER);
    expect(opal.pciReset(0, O.OPAL_RESET_PCI_HOT, 2)).toBe(O.OPAL_PARAMETER);
    expect(opal.pciReset(0, O.OPAL_RESET_PCI_LINK, 1)).toBe(O.OPAL_UNSUPPORTED);
    expect(opal.pciReset(0, 99, 1)).toBe(O.OPAL_UNSUPPORTED);
    expect(opal.pciReset(O.pciSlotId(0, 0x0300), O.OPAL_RESET_PCI_HOT, 1)).toBe(O.OPAL_PARAMETER); // an endpoint is not a slot
    expect(opal.pciReset(O.pciSlotId(0, 0x0208), O.OPAL_RESET_PHB_COMPLETE, 1)).toBe(O.OPAL_UNSUPPORTED);
    expect(m.state).toBe(before);
  });
});

describe("OPAL_PCI_EEH_FREEZE_STATUS", () => {
  it("PHB3: not frozen → 0; frozen → MMIO_DMA_FREEZE with type NO_ERROR", () => {
    const { m, opal } = setup();
    const { pe } = m.peOf("0000:04:00.0");
    expect(opal.eehFreezeStatus(0, pe)).toEqual({ rc: 0, freezeState: O.OPAL_EEH_STOPPED_NOT_FROZEN, pciErrorType: O.OPAL_EEH_NO_ERROR });
    injectBadDma(m, "0000:04:00.0");
    expect(opal.eehFreezeStatus(0, pe)).toEqual({ rc: 0, freezeState: O.OPAL_EEH_STOPPED_MMIO_DMA_FREEZE, pciErrorType: O.OPAL_EEH_NO_ERROR });
    expect(opal.eehFreezeStatus(0, 1000).freezeState).toBe(0); // pe not range-checked
  });
  it("P7IOC names the cause: PE_MMIO_ERROR when PESTA bit 2, else PE_DMA_ERROR", () => {
    const { m, opal } = setup("ioda1");
    injectMmioError(m, "0000:03:00.0");
    injectBadDma(m, "0000:04:00.0");
    expect(opal.eehFreezeStatus(0, m.peOf("0000:03:00.0").pe).pciErrorType).toBe(O.OPAL_EEH_PE_MMIO_ERROR);
    expect(opal.eehFreezeStatus(0, m.peOf("0000:04:00.0").pe).pciErrorType).toBe(O.OPAL_EEH_PE_DMA_ERROR);
  });
  it("fenced: every PE reads (3, PHB_ERROR); dead PHB3 → OPAL_HARDWARE, dead P7IOC → SUCCESS", () => {
    const a = setup();
    injectFence(a.m, 0);
    expect(a.opal.eehFreezeStatus(0, 5)).toEqual({ rc: 0, freezeState: 3, pciErrorType: O.OPAL_EEH_PHB_ERROR });
    killPhb(a.m, 0);
    expect(a.opal.eehFreezeStatus(0, 5).rc).toBe(O.OPAL_HARDWARE);
    const b = setup("ioda1");
    killPhb(b.m, 0);
    expect(b.opal.eehFreezeStatus(0, 5)).toEqual({ rc: 0, freezeState: 3, pciErrorType: O.OPAL_EEH_PHB_ERROR });
  });
  it("a non-NULL phb_status only logs the deprecation", () => {
    const { opal } = setup();
    expect(opal.eehFreezeStatus(0, 1, true).rc).toBe(0);
    expect(opal.console).toContain("PHB#0000: eeh_freeze_status: deprecated PHB status");
  });
});

describe("OPAL_PCI_EEH_FREEZE_CLEAR / SET", () => {
  it("clear MMIO leaves DMA frozen; the ER clear resets the diag words", () => {
    const { m, opal } = setup();
    const { pe } = m.peOf("0000:04:00.0");
    injectBadDma(m, "0000:04:00.0");
    expect(m.phbState(0).hw.regs.lemFir).not.toBe(0n);
    expect(opal.eehFreezeClear(0, pe, O.OPAL_EEH_ACTION_CLEAR_FREEZE_MMIO)).toBe(O.OPAL_SUCCESS);
    expect(opal.eehFreezeStatus(0, pe).freezeState).toBe(O.OPAL_EEH_STOPPED_DMA_FREEZE);
    expect(m.phbState(0).hw.regs.lemFir).toBe(0n);
    expect(m.phbState(0).hw.regs.groups.ina.status).toBe(0n);
    expect(m.phbState(0).hw.pestA[pe]).toBe(0n); // whole word zeroed, cause lost
    expect(opal.errorPending(0)).toBe(true); // PEEV still has the DMA bit
    expect(opal.eehFreezeClear(0, pe, O.OPAL_EEH_ACTION_CLEAR_FREEZE_DMA)).toBe(0);
    expect(opal.eehFreezeStatus(0, pe).freezeState).toBe(0);
    expect(opal.errorPending(0)).toBe(false);
  });
  it("clear on a fenced PHB3 fails with HARDWARE and says so on the console", () => {
    const { m, opal } = setup();
    injectFence(m, 0);
    expect(opal.eehFreezeClear(0, 3, 3)).toBe(O.OPAL_HARDWARE);
    expect(opal.console).toContain("PHB#0000: eeh_freeze_clear on fenced PHB");
  });
  it("token 0 does only the ER clear; set freezes MMIO and/or DMA", () => {
    const { m, opal } = setup();
    expect(opal.eehFreezeSet(0, 0x10, O.OPAL_EEH_ACTION_SET_FREEZE_DMA)).toBe(0);
    expect(opal.eehFreezeStatus(0, 0x10).freezeState).toBe(O.OPAL_EEH_STOPPED_DMA_FREEZE);
    expect(opal.eehFreezeClear(0, 0x10, 0)).toBe(0);
    expect(frozenPes(m.phbState(0).hw)).toEqual([0x10]);
  });
});

describe("OPAL_PCI_NEXT_ERROR", () => {
  it("no error → (NO_ERROR, NO_ERROR, all ones); the event bit drives OPAL_EVENT_PCI_ERROR", () => {
    const { m, opal } = setup();
    expect(opal.nextError(0)).toEqual({ rc: 0, firstFrozenPe: 0xffffffffffffffffn, pciErrorType: 0, severity: 0 });
    expect(opal.pendingEvents()).toBe(0);
    injectBadDma(m, "0000:04:00.0");
    expect(opal.pendingEvents()).toBe(O.OPAL_EVENT_PCI_ERROR);
    const r = opal.nextError(0);
    expect(r).toEqual({ rc: 0, firstFrozenPe: BigInt(m.peOf("0000:04:00.0").pe), pciErrorType: O.OPAL_EEH_PE_ERROR, severity: O.OPAL_EEH_SEV_PE_ER });
    expect(opal.pendingEvents()).toBe(0);
  });
  it("PHB3 reports the lowest PE of the highest non-zero PEEV word", () => {
    const { opal } = setup();
    opal.eehFreezeSet(0, 3, 3);
    opal.eehFreezeSet(0, 0xf0, 3);
    opal.eehFreezeSet(0, 0xe0, 3);
    expect(opal.nextError(0).firstFrozenPe).toBe(0xe0n);
  });
  it("P7IOC checks PEs 64..127 first", () => {
    const { opal } = setup("ioda1");
    opal.eehFreezeSet(0, 3, 3);
    opal.eehFreezeSet(0, 0x50, 3);
    opal.eehFreezeSet(0, 0x41, 3);
    expect(opal.nextError(0).firstFrozenPe).toBe(0x41n);
  });
  it("fenced → (PHB_ERROR, PHB_FENCED); dead → (PHB_ERROR, PHB_DEAD) with first_frozen_pe unwritten", () => {
    const { m, opal } = setup();
    injectFence(m, 0);
    expect(opal.nextError(0)).toMatchObject({ pciErrorType: O.OPAL_EEH_PHB_ERROR, severity: O.OPAL_EEH_SEV_PHB_FENCED });
    killPhb(m, 0);
    expect(opal.nextError(0)).toEqual({ rc: 0, firstFrozenPe: FIRST_FROZEN_PE_UNWRITTEN, pciErrorType: O.OPAL_EEH_PHB_ERROR, severity: O.OPAL_EEH_SEV_PHB_DEAD });
  });
  it("an ER with LEM bit 60 and a Malformed TLP at the root port escalates to a fence", () => {
    const { m, opal } = setup();
    injectBadDma(m, "0000:04:00.0");
    m.apply((d) => {
      d.phbs[0]!.hw.regs.lemFir |= ppcBit(60);
      const root = d.phbs[0]!.functions[0]!;
      root.config = withHardwareWrites(root.config, (r) => r.set(PCI_AER_CAP_BASE + 4, 4, PCI_ERR_UNC_MALF_TLP));
    });
    expect(opal.nextError(0)).toMatchObject({ pciErrorType: O.OPAL_EEH_PHB_ERROR, severity: O.OPAL_EEH_SEV_PHB_FENCED });
  });
  it("link loss behind a switch is an ER on the switch bus PE", () => {
    const { m, opal } = setup();
    injectLinkDown(m, "0000:02:01.0");
    const r = opal.nextError(0);
    expect(r.pciErrorType).toBe(O.OPAL_EEH_PE_ERROR);
    // The lowest frozen PE of the highest word: the port buses sit below the switch bus PE.
    expect(r.firstFrozenPe).toBe(BigInt(Math.min(...frozenPes(m.phbState(0).hw))));
  });
});

describe("OPAL_PCI_GET_PHB_DIAG_DATA2", () => {
  it("fills the caller's buffer with the model's blob: PHB3 4392, P7IOC 2320 bytes", () => {
    for (const [model, size, ioType] of [["ioda2", 4392, 2], ["ioda1", 2320, 1]] as const) {
      const { m, opal } = setup(model);
      injectBadDma(m, "0000:04:00.0");
      const r = opal.getPhbDiagData2(0, 8192);
      expect(r.rc).toBe(0);
      expect(r.buffer!.length).toBe(8192);
      const d = decodePhbDiag(r.buffer!);
      expect(d.ioType).toBe(ioType);
      const { pe } = m.peOf("0000:04:00.0");
      expect(d.pestA[pe]).toBe(m.phbState(0).hw.pestA[pe]);
      expect(d.pestB[pe]).toBe(m.phbState(0).hw.pestB[pe]);
      expect(d.lemFir).toBe(ppcBit(43));
      expect(d.ioType !== 3 && d.dma0ErrorStatus).toBe(ppcBit(22));
      expect(opal.diagDataSize(0)).toBe(size);
      // Captured at freeze time as well
      expect(opal.diagLog).toHaveLength(1);
      expect(opal.diagLog[0]!.bytes.length).toBe(size);
    }
  });
  it("the root port's AER words show a link loss below it", () => {
    const { m, opal } = setup();
    injectLinkDown(m, "0000:02:01.0");
    const d = decodePhbDiag(opal.getPhbDiagData2(0, 4392).buffer!);
    expect(d.rootErrorStatus & 0x44).toBe(0x44);
    expect(d.sourceId >>> 16).toBe(0x0208);
  });
  it("dead PHB3 → HARDWARE; a dead P7IOC's blob reads all ones", () => {
    const a = setup();
    killPhb(a.m, 0);
    expect(a.opal.getPhbDiagData2(0, 4392).rc).toBe(O.OPAL_HARDWARE);
    const b = setup("ioda1");
    killPhb(b.m, 0);
    const d = decodePhbDiag(b.opal.getPhbDiagData2(0, 2320).buffer!);
    expect(d.lemFir).toBe(0xffffffffffffffffn);
  });
});

describe("OPAL_PCI_ERR_INJECT", () => {
  it("arms; the next matching load freezes the PE", () => {
    const { m, opal } = setup();
    const { pe } = m.peOf("0000:03:00.0");
    expect(opal.errInject(0, pe, 0, 0, 0n, 0n)).toBe(O.OPAL_SUCCESS);
    expect(opal.nextError(0).pciErrorType).toBe(O.OPAL_EEH_NO_ERROR);
    m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 4);
    expect(opal.nextError(0)).toMatchObject({ pciErrorType: O.OPAL_EEH_PE_ERROR, firstFrozenPe: BigInt(pe) });
    expect(opal.errInject(0, 255, 0, 0, 0n, 0n)).toBe(O.OPAL_PARAMETER);
    expect(opal.errInject(0, 0xfe, 0, 12, 0n, 0n)).toBe(O.OPAL_UNSUPPORTED);
  });
  it("P7IOC refuses 64-bit injection with UNSUPPORTED", () => {
    const { opal } = setup("ioda1");
    expect(opal.errInject(0, 125, 1, 0, 0n, 0n)).toBe(O.OPAL_UNSUPPORTED);
  });
});

describe("OPAL_PCI_RESET and OPAL_PCI_POLL on the virtual clock", () => {
  it("complete reset: assert returns ms to wait, polls crank it to done; PEST and BARs are back at power-on", () => {
    const { m, opal, clock } = setup();
    injectBadDma(m, "0000:04:00.0");
    let rc = opal.pciReset(0, O.OPAL_RESET_PHB_COMPLETE, O.OPAL_ASSERT_RESET);
    expect(rc).toBe(100);
    expect(opal.pciPoll(0)).toBe(100); // polled too early: the whole wait remains
    clock.advanceBy(40);
    expect(opal.pciPoll(0)).toBe(60);
    let total = 0;
    while (rc > 0) {
      clock.advanceBy(rc);
      total += rc;
      rc = opal.pciPoll(0);
    }
    expect(rc).toBe(O.OPAL_SUCCESS);
    expect(total).toBe(100 + 250 + 1000);
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    expect(m.configRead("0000:04:00.0", 0x10, 4)).toBe(0);
    expect(opal.pciReset(0, O.OPAL_RESET_PHB_COMPLETE, O.OPAL_DEASSERT_RESET)).toBe(O.OPAL_SUCCESS);
  });
  it("hot reset of a bridge slot resets the devices below but keeps the PE frozen", () => {
    const { m, opal, clock } = setup();
    injectBadDma(m, "0000:04:00.0");
    const slot = O.pciSlotId(0, 0x0208);
    let rc = opal.pciReset(slot, O.OPAL_RESET_PCI_HOT, O.OPAL_ASSERT_RESET);
    expect(opal.pciReset(slot, O.OPAL_RESET_PCI_HOT, O.OPAL_ASSERT_RESET)).toBe(O.OPAL_BUSY);
    while (rc > 0) {
      clock.advanceBy(rc);
      rc = opal.pciPoll(slot);
    }
    expect(rc).toBe(0);
    expect(m.configRead("0000:04:00.0", 0x10, 4)).toBe(0);
    expect(m.configRead("0000:03:00.0", 0x10, 4)).not.toBe(0);
    expect(m.peFreezeState(0, m.peOf("0000:04:00.0").pe).dma).toBe(true);
  });
  it("a permanently dead link fails the reset with HARDWARE", () => {
    const { m, opal, clock } = setup();
    injectLinkDown(m, "0000:02:02.0", { permanent: true });
    const slot = O.pciSlotId(0, 0x0210);
    let rc = opal.pciReset(slot, O.OPAL_RESET_PCI_FUNDAMENTAL, O.OPAL_ASSERT_RESET);
    while (rc > 0) {
      clock.advanceBy(rc);
      rc = opal.pciPoll(slot);
    }
    expect(rc).toBe(O.OPAL_HARDWARE);
  });
  it("PHB_ERROR disarms injection; IODA_TABLE purges the routing tables", () => {
    const { m, opal } = setup();
    opal.errInject(0, m.peOf("0000:03:00.0").pe, 0, 0, 0n, 0n);
    expect(opal.pciReset(0, O.OPAL_RESET_PHB_ERROR, O.OPAL_ASSERT_RESET)).toBe(0);
    expect(m.phbState(0).hw.regs.injCtl).toBe(0n);
    expect(opal.pciReset(0, O.OPAL_RESET_PCI_IODA_TABLE, O.OPAL_ASSERT_RESET)).toBe(0);
    expect(m.peOf("0000:03:00.0").pe).toBe(255);
  });
  it("a dead PHB cannot be reset", () => {
    const { m, opal } = setup();
    killPhb(m, 0);
    expect(opal.pciReset(0, O.OPAL_RESET_PHB_COMPLETE, 1)).toBe(O.OPAL_HARDWARE);
  });
});
