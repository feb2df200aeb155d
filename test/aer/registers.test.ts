// AER register semantics against aer-xen.md §1: defaults, masks, severities, First Error
// Pointer, header log for the header-logging bits, root status/error source, and when a
// message leaves the device and reaches the root port.
import { describe, expect, it } from "vitest";
import { aerSignalCorrectable, aerSignalLinkDown, aerSignalUncorrectable } from "../../src/aer/registers.js";
import { Machine } from "../../src/ioda/machine.js";
import { readAer } from "../../src/pci/aer-capability.js";
import { PCI_AER_CAP_BASE, PCI_EXP_CAP_BASE } from "../../src/pci/config-space.js";
import * as R from "../../src/pci/regs.js";
import { switchPhb } from "../ioda/fixtures.js";
import { aerEnv, EP, EP1, RP } from "./setup.js";

const A = PCI_AER_CAP_BASE;

function machine() {
  return Machine.build({ phbs: [switchPhb(0, "ioda2", 3)] });
}
function regs(m: Machine, ref: string) {
  const { phbId, rid } = m.locate(ref);
  return readAer(m.phbState(phbId).functions[rid]!.config)!;
}
/** What Linux's pci_aer_init leaves: error reporting on in Device Control, root interrupts on. */
function enableReporting(m: Machine): void {
  for (const a of ["0000:00:00.0", "0000:01:00.0", "0000:02:00.0", "0000:02:01.0", "0000:02:02.0", EP, EP1, "0000:05:00.0"]) {
    m.configWrite(a, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVCTL, 2, m.configRead(a, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVCTL, 2) | 0xf);
  }
  m.configWrite(RP, A + R.PCI_ERR_ROOT_COMMAND, 4, 7);
}

describe("power-on values (§1.1, §1.2)", () => {
  it("UE mask 0x00400000, UE severity 0x00462030, CE mask 0x0000e000, extended capability header id 1 version 2", () => {
    const m = machine();
    const r = regs(m, EP);
    expect([r.uncorStatus, r.uncorMask, r.uncorSeverity, r.corStatus, r.corMask]).toEqual([0, 0x00400000, 0x00462030, 0, 0x0000e000]);
    const hdr = m.configRead(EP, A, 4);
    expect([R.PCI_EXT_CAP_ID(hdr), R.PCI_EXT_CAP_VER(hdr)]).toEqual([1, 2]);
    expect(regs(m, RP).root).toEqual({ command: 0, status: 0, errorSource: 0 });
    expect(regs(m, EP).root).toBeUndefined();
  });
  it("the status registers are RW1C", () => {
    const m = machine();
    enableReporting(m);
    aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_UNSUP);
    aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_COMP_TIME);
    m.configWrite(EP, A + R.PCI_ERR_UNCOR_STATUS, 4, R.PCI_ERR_UNC_UNSUP);
    expect(regs(m, EP).uncorStatus).toBe(R.PCI_ERR_UNC_COMP_TIME);
    m.configWrite(EP, A + R.PCI_ERR_UNCOR_STATUS, 4, 0); // writing 0 clears nothing
    expect(regs(m, EP).uncorStatus).toBe(R.PCI_ERR_UNC_COMP_TIME);
  });
});

describe("an uncorrectable error (§1.1, §1.3)", () => {
  it("fatal by severity: status, FEP, header log, DEVSTA FED, ERR_FATAL to the root port (FIRST_FATAL, source [31:16])", () => {
    const m = machine();
    enableReporting(m);
    const s = aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_MALF_TLP, [1, 2, 3, 4]);
    expect(s).toMatchObject({ recorded: "fatal", sent: true, delivered: true, interrupt: true });
    const r = regs(m, EP);
    expect(r.uncorStatus).toBe(R.PCI_ERR_UNC_MALF_TLP);
    expect(r.firstErrorPointer).toBe(18);
    expect(r.headerLog).toEqual([1, 2, 3, 4]);
    expect(m.configRead(EP, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVSTA, 2) & R.PCI_EXP_DEVSTA_FED).toBeTruthy();
    const root = regs(m, RP).root!;
    expect(root.status).toBe(R.PCI_ERR_ROOT_UNCOR_RCV | R.PCI_ERR_ROOT_FIRST_FATAL | R.PCI_ERR_ROOT_FATAL_RCV);
    expect(R.ERR_UNCOR_ID(root.errorSource)).toBe(0x0300);
  });
  it("non-fatal by severity: NONFATAL_RCV; an Unsupported Request also sets URD and needs URRE to be reported", () => {
    const m = machine();
    enableReporting(m);
    expect(aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_UNSUP).recorded).toBe("nonfatal");
    expect(regs(m, RP).root!.status).toBe(R.PCI_ERR_ROOT_UNCOR_RCV | R.PCI_ERR_ROOT_NONFATAL_RCV);
    expect(m.configRead(EP, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVSTA, 2) & (R.PCI_EXP_DEVSTA_NFED | R.PCI_EXP_DEVSTA_URD)).toBe(R.PCI_EXP_DEVSTA_NFED | R.PCI_EXP_DEVSTA_URD);
    m.configWrite(EP1, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVCTL, 2, m.configRead(EP1, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVCTL, 2) & ~R.PCI_EXP_DEVCTL_URRE);
    expect(aerSignalUncorrectable(m, EP1, R.PCI_ERR_UNC_UNSUP)).toMatchObject({ recorded: "nonfatal", sent: false });
  });
  it("the severity register decides: reprogrammed, the same bit becomes fatal / non-fatal", () => {
    const m = machine();
    enableReporting(m);
    m.configWrite(EP, A + R.PCI_ERR_UNCOR_SEVER, 4, R.PCI_ERR_UNC_SEVERITY_DEFAULT | R.PCI_ERR_UNC_UNSUP);
    expect(aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_UNSUP).recorded).toBe("fatal");
    m.configWrite(EP1, A + R.PCI_ERR_UNCOR_SEVER, 4, R.PCI_ERR_UNC_SEVERITY_DEFAULT & ~R.PCI_ERR_UNC_MALF_TLP);
    expect(aerSignalUncorrectable(m, EP1, R.PCI_ERR_UNC_MALF_TLP).recorded).toBe("nonfatal");
  });
  it("a masked error sets its status bit and stays silent: no FEP, no header log, no message", () => {
    const m = machine();
    enableReporting(m);
    const s = aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_INTN); // masked by default
    expect(s).toMatchObject({ recorded: "masked", sent: false, delivered: false });
    const r = regs(m, EP);
    expect(r.uncorStatus).toBe(R.PCI_ERR_UNC_INTN);
    expect(r.firstErrorPointer).toBe(0);
    expect(regs(m, RP).root!.status).toBe(0);
  });
  it("First Error Pointer and header log stay with the first error until its status is cleared", () => {
    const m = machine();
    enableReporting(m);
    aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_POISON_TLP, [0xa, 0xb, 0xc, 0xd]);
    aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_ECRC, [1, 1, 1, 1]);
    expect(regs(m, EP)).toMatchObject({ firstErrorPointer: 12, headerLog: [0xa, 0xb, 0xc, 0xd] });
    m.configWrite(EP, A + R.PCI_ERR_UNCOR_STATUS, 4, R.PCI_ERR_UNC_POISON_TLP);
    aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_COMP_ABORT, [5, 6, 7, 8]);
    expect(regs(m, EP)).toMatchObject({ firstErrorPointer: 15, headerLog: [5, 6, 7, 8] });
  });
  it("the header log is filled only for the AER_LOG_TLP_MASKS bits", () => {
    for (const bit of [R.PCI_ERR_UNC_POISON_TLP, R.PCI_ERR_UNC_ECRC, R.PCI_ERR_UNC_UNSUP, R.PCI_ERR_UNC_COMP_ABORT, R.PCI_ERR_UNC_UNX_COMP, R.PCI_ERR_UNC_MALF_TLP]) {
      const m = machine();
      aerSignalUncorrectable(m, EP, bit, [9, 9, 9, 9]);
      expect(regs(m, EP).headerLog).toEqual([9, 9, 9, 9]);
    }
    for (const bit of [R.PCI_ERR_UNC_DLP, R.PCI_ERR_UNC_SURPDN, R.PCI_ERR_UNC_FCP, R.PCI_ERR_UNC_COMP_TIME, R.PCI_ERR_UNC_RX_OVER, R.PCI_ERR_UNC_ACSV]) {
      const m = machine();
      aerSignalUncorrectable(m, EP, bit, [9, 9, 9, 9]);
      expect(regs(m, EP).headerLog).toEqual([0, 0, 0, 0]);
    }
  });
  it("a second message while UNCOR_RCV is set only adds MULTI_UNCOR_RCV; the source stays the first", () => {
    const m = machine();
    enableReporting(m);
    aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_UNSUP);
    aerSignalUncorrectable(m, EP1, R.PCI_ERR_UNC_MALF_TLP);
    const root = regs(m, RP).root!;
    expect(root.status).toBe(R.PCI_ERR_ROOT_UNCOR_RCV | R.PCI_ERR_ROOT_NONFATAL_RCV | R.PCI_ERR_ROOT_MULTI_UNCOR_RCV | R.PCI_ERR_ROOT_FATAL_RCV);
    expect(R.ERR_UNCOR_ID(root.errorSource)).toBe(0x0300);
  });
  it("reporting off in Device Control (and no SERR#): no message; root interrupts off: recorded, no interrupt", () => {
    const m = machine();
    expect(aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_MALF_TLP)).toMatchObject({ recorded: "fatal", sent: false });
    m.configWrite(EP1, R.PCI_COMMAND, 2, m.configRead(EP1, R.PCI_COMMAND, 2) | R.PCI_COMMAND_SERR);
    expect(aerSignalUncorrectable(m, EP1, R.PCI_ERR_UNC_MALF_TLP)).toMatchObject({ sent: true, delivered: true, interrupt: false });
  });
  it("a message from below a link that is down never reaches the root port", () => {
    const m = machine();
    enableReporting(m);
    aerSignalLinkDown(m, "0000:02:00.0");
    expect(regs(m, "0000:02:00.0").uncorStatus).toBe(R.PCI_ERR_UNC_SURPDN);
    expect(m.configRead("0000:02:00.0", PCI_EXP_CAP_BASE + R.PCI_EXP_LNKSTA, 2) & R.PCI_EXP_LNKSTA_DLLLA).toBe(0);
    const statusBefore = regs(m, RP).root!.status;
    expect(aerSignalUncorrectable(m, EP, R.PCI_ERR_UNC_UNSUP)).toMatchObject({ sent: true, delivered: false });
    expect(regs(m, RP).root!.status).toBe(statusBefore);
  });
});

describe("a correctable error (§1.2)", () => {
  it("COR_RCV and source [15:0]; a second → MULTI_COR_RCV; masked ones (Advisory Non-Fatal by default) stay silent", () => {
    const m = machine();
    enableReporting(m);
    expect(aerSignalCorrectable(m, EP, R.PCI_ERR_COR_BAD_TLP)).toMatchObject({ recorded: "correctable", delivered: true, interrupt: true });
    aerSignalCorrectable(m, EP1, R.PCI_ERR_COR_RCVR);
    const root = regs(m, RP).root!;
    expect(root.status).toBe(R.PCI_ERR_ROOT_COR_RCV | R.PCI_ERR_ROOT_MULTI_COR_RCV);
    expect(R.ERR_COR_ID(root.errorSource)).toBe(0x0300);
    expect(aerSignalCorrectable(m, EP, R.PCI_ERR_COR_ADV_NFAT).recorded).toBe("masked");
    expect(regs(m, EP).corStatus).toBe(R.PCI_ERR_COR_BAD_TLP | R.PCI_ERR_COR_ADV_NFAT);
  });
});

describe("the AER host's probe", () => {
  it("turns error reporting on everywhere and enables the root port's interrupts", () => {
    const { m, log } = aerEnv();
    expect(m.configRead(EP, PCI_EXP_CAP_BASE + R.PCI_EXP_DEVCTL, 2) & 0xf).toBe(0xf);
    expect(regs(m, RP).root!.command).toBe(7);
    expect(log.grep("AER: enabled with IRQ")).toEqual(["pcieport 0000:00:00.0: AER: enabled with IRQ 24"]);
  });
});
