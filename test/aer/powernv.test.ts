// The same uncorrectable error on a native-AER host and on PowerNV (aer-xen.md §3.1): the
// device's AER registers end up identical; natively the root port interrupts Linux's AER
// driver, on PowerNV the PHB freezes the device's PE, no AER line is printed, and the root
// port's AER words show up in the PHB diag blob (RootErrSts / sourceId).
import { describe, expect, it } from "vitest";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import { injectPcieUe } from "../../src/ioda/faults.js";
import { decodePhbDiag } from "../../src/log/opal/decode.js";
import { readAer } from "../../src/pci/aer-capability.js";
import { scriptedDriver } from "../../src/eeh/driver.js";
import * as R from "../../src/pci/regs.js";
import { powernv } from "../eeh/setup.js";
import { aerEnv, EP } from "./setup.js";

const HDR = [0x4a000001, 0x01000004, 0xdeadbeef, 0];

describe("one Malformed TLP, two platforms", () => {
  it("the device's AER registers are the same; the handling is not", async () => {
    // Native AER (x86-like).
    const nat = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" }) } });
    nat.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP, HDR);
    const natDev = readAer(nat.m.phbState(0).functions[0x300]!.config)!;

    // PowerNV: the same error through the same AER registers → an EEH freeze.
    const drv = scriptedDriver("igb", { errorDetected: "need reset", slotReset: "recovered" });
    const pnv = powernv("ioda2", { drivers: { [EP]: drv } });
    const r = injectPcieUe(pnv.m, EP, R.PCI_ERR_UNC_MALF_TLP, HDR);
    const pnvDev = readAer(pnv.m.phbState(0).functions[0x300]!.config)!;
    expect(pnvDev).toMatchObject({ uncorStatus: natDev.uncorStatus, firstErrorPointer: 18, headerLog: HDR });
    expect(natDev).toMatchObject({ firstErrorPointer: 18, headerLog: HDR });

    expect(r.severity).toBe("fatal");
    const pe = pnv.m.peOf(EP);
    expect(r.error?.frozen).toContain(pe.pe);
    expect(pnv.m.peFreezeState(0, pe.pe)).toEqual({ mmio: true, dma: true });

    // The root port's AER words as the PHB diag blob carries them.
    const blob = pnv.opal.getPhbDiagData2(0, pnv.opal.diagDataSize(0)!);
    const diag = decodePhbDiag(blob.buffer!);
    expect(diag.rootErrorStatus).toBe(R.PCI_ERR_ROOT_UNCOR_RCV | R.PCI_ERR_ROOT_FIRST_FATAL | R.PCI_ERR_ROOT_FATAL_RCV);
    expect(R.ERR_UNCOR_ID(diag.sourceId)).toBe(0x0300);

    await nat.host.settle();
    await pnv.core.settle();
    // Natively: AER lines and an AER recovery. On PowerNV: no "AER:" line; EEH recovered the PE.
    expect(nat.log.grep("AER: Uncorrectable (Fatal) error message received from 0000:03:00.0")).toHaveLength(1);
    expect(pnv.log.grep("AER:")).toEqual([]);
    expect(pnv.log.grep("EEH: Recovery successful.")).toHaveLength(1);
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "slot_reset", "resume"]);
    expect(nat.host.recoveries[0]!.outcome).toBe("recovered");
  });
  it("a non-fatal UE: the diag blob's RootErrSts says UNCOR_RCV|NONFATAL_RCV (cf. eeh-phb4-04: 00000024)", () => {
    const pnv = powernv("ioda2");
    injectPcieUe(pnv.m, EP, R.PCI_ERR_UNC_UNSUP);
    const diag = decodePhbDiag(pnv.opal.getPhbDiagData2(0, pnv.opal.diagDataSize(0)!).buffer!);
    expect(diag.rootErrorStatus).toBe(0x24);
    expect(diag.sourceId >>> 16).toBe(0x0300);
  });
});
