// Linux's native AER flow (aer-xen.md §2.1, §3): correctable → log and clear; non-fatal /
// fatal → pcie_do_recovery with AER's merge; link reset for fatal; the Inaccessible case;
// the source search rules; counters; ratelimiting; the kfifo.
import { describe, expect, it } from "vitest";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import { AER_ERROR_SOURCES_MAX } from "../../src/aer/aer-host.js";
import { readAer } from "../../src/pci/aer-capability.js";
import { PCI_AER_CAP_BASE } from "../../src/pci/config-space.js";
import { withHardwareWrites } from "../../src/pci/config-space.js";
import * as R from "../../src/pci/regs.js";
import { switchPhb } from "../ioda/fixtures.js";
import { aerEnv, DSP, EP, RP } from "./setup.js";

const uncor = (e: ReturnType<typeof aerEnv>, a: string) => readAer(e.m.phbState(0).functions[e.m.locate(a).rid]!.config)!;
const body = (e: ReturnType<typeof aerEnv>) => e.log.records.map((r) => r.line);

describe("correctable errors", () => {
  it("logged, cleared, cor_error_detected called, DEVSTA cleared, no recovery", async () => {
    const drv = scriptedAerDriver("e1000e", { errorDetected: "can recover", corErrorDetected: true });
    const e = aerEnv({ format: "v4.19", drivers: { [EP]: drv } });
    e.host.injectCorrectable(EP, R.PCI_ERR_COR_RCVR);
    await e.host.settle();
    expect(body(e).slice(1)).toEqual([
      "pcieport 0000:00:00.0: AER: Corrected error received: 0000:03:00.0",
      "e1000e 0000:03:00.0: PCIe Bus Error: severity=Corrected, type=Physical Layer, (Receiver ID)",
      "e1000e 0000:03:00.0:   device [15b3:1013] error status/mask=00000001/0000e000",
      "e1000e 0000:03:00.0:    [ 0] RxErr                  (First)",
    ]);
    expect(uncor(e, EP).corStatus).toBe(0);
    expect(drv.calls).toEqual(["cor_error_detected"]);
    expect(e.host.recoveries).toEqual([]);
    expect(e.log.records[1]!.level).toBe("info");
    expect(e.log.records[2]!.level).toBe("warn"); // KERN_WARNING for CE
    expect(e.host.sysfs(EP, "aer_dev_correctable")).toBe("RxErr 1\nBadTLP 0\nBadDLLP 0\nRollover 0\nTimeout 0\nNonFatalErr 0\nCorrIntErr 0\nHeaderOF 0\nTOTAL_ERR_COR 1\n");
    expect(e.host.sysfs(RP, "aer_rootport_total_err_cor")).toBe("1\n");
    expect(e.host.traces).toEqual([{ time: 0, devName: EP, status: 1, severity: "correctable", tlpHeaderValid: false, tlpHeader: [0, 0, 0, 0] }]);
  });
});

describe("non-fatal errors: pcie_do_recovery(io_normal), no reset", () => {
  it("CAN_RECOVER → RECOVERED → mmio_enabled → resume; the non-fatal status bits are cleared", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "can recover", mmioEnabled: "recovered" });
    const e = aerEnv({ drivers: { [EP]: drv } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP, [0x40000001, 0xf, 0, 0]);
    await e.host.settle();
    expect(drv.calls).toEqual(["error_detected(IO normal)", "mmio_enabled", "resume"]);
    expect(e.host.recoveries[0]).toMatchObject({ bridge: DSP, severity: "nonfatal", outcome: "recovered", status: R.PCI_ERR_UNC_UNSUP ? 5 : 0 });
    expect(e.host.recoveries[0]!.resetRc).toBeUndefined();
    expect(uncor(e, EP).uncorStatus).toBe(0);
    expect(e.log.grep("device recovery successful")).toEqual(["pcieport 0000:02:00.0: AER: device recovery successful"]);
    expect(e.host.events.filter((x) => x.step === "uevent").map((x) => x.result)).toEqual(["BEGIN_RECOVERY", "SUCCESSFUL_RECOVERY"]);
  });
  it("no error_detected callback → NO_AER_DRIVER (sticky) → 'device recovery failed', no reset (aer-nonfatal-01)", async () => {
    const drv = scriptedAerDriver("nvme", { mmioEnabled: "recovered" });
    const e = aerEnv({ drivers: { [EP]: drv } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_COMP_TIME);
    await e.host.settle();
    expect(drv.calls).toEqual([]);
    expect(e.log.grep(/can't recover|recovery failed|link has been reset/)).toEqual(["nvme 0000:03:00.0: AER: can't recover (no error_detected callback)", "pcieport 0000:02:00.0: AER: device recovery failed"]);
    expect(e.host.recoveries[0]).toMatchObject({ outcome: "failed", status: 6 });
    expect(uncor(e, EP).uncorStatus).toBe(R.PCI_ERR_UNC_COMP_TIME); // not cleared on failure
  });
  it("NEED_RESET → slot_reset (no further hardware reset) → resume", async () => {
    const drv = scriptedAerDriver("mlx5", { errorDetected: "need reset", slotReset: "recovered" });
    const e = aerEnv({ drivers: { [EP]: drv } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_POISON_TLP);
    await e.host.settle();
    expect(drv.calls).toEqual(["error_detected(IO normal)", "slot_reset", "resume"]);
    expect(e.host.events.some((x) => x.step === "reset")).toBe(false);
    expect(e.clock.now()).toBe(0);
  });
  it("a DISCONNECT vote fails the recovery (FAILED_RECOVERY uevent on the bridge)", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("x", { errorDetected: "disconnect" }) } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.host.settle();
    expect(e.host.recoveries[0]!.outcome).toBe("failed");
    expect(e.host.events.filter((x) => x.step === "uevent").map((x) => [x.device, x.result])).toEqual([
      [EP, "FAILED_RECOVERY"],
      [DSP, "FAILED_RECOVERY"],
    ]);
  });
});

describe("fatal errors: pcie_do_recovery(io_frozen) and aer_root_reset", () => {
  it("on an endpoint: registers not read (Inaccessible), the downstream port's link is reset, state restored", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" });
    const e = aerEnv({ drivers: { [EP]: drv } });
    const bar = e.m.barCpuAddress(EP, 0);
    e.m.mmioStore(bar + 0x10n, 4, 0x1234n);
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP, [1, 2, 3, 4]);
    await e.host.settle();
    expect(body(e).slice(1)).toEqual([
      "pcieport 0000:00:00.0: AER: Uncorrectable (Fatal) error message received from 0000:03:00.0",
      "igb 0000:03:00.0: AER: PCIe Bus Error: severity=Uncorrectable (Fatal), type=Inaccessible, (Unregistered Agent ID)",
      "pcieport 0000:02:00.0: AER: Downstream Port link has been reset (0)",
      "pcieport 0000:02:00.0: AER: device recovery successful",
    ]);
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "slot_reset", "resume"]);
    const r = e.host.recoveries[0]!;
    expect([r.start, r.end, r.resetRc]).toEqual([0, 102, 0]);
    // The device was reset (its registers lost) and its config restored (BARs decode again).
    expect(e.m.mmioLoad(bar + 0x10n, 4)).toBe(0n);
    expect(e.m.mmioLoad(bar, 4)).not.toBe(0xffffffffn);
    // Fatal status bits are sticky and not cleared (only the non-fatal ones are).
    expect(uncor(e, EP).uncorStatus).toBe(R.PCI_ERR_UNC_MALF_TLP);
    // The root's interrupts are back on and its status clear.
    expect(uncor(e, RP).root).toMatchObject({ command: 7, status: 0 });
  });
  it("frozen with a driver lacking error_detected: link reset (0) then failed (aer-fatal-01)", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("nvme", {}) } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.host.settle();
    expect(e.log.grep(/can't recover|link has been reset|recovery (failed|successful)/)).toEqual([
      "nvme 0000:03:00.0: AER: can't recover (no error_detected callback)",
      "pcieport 0000:02:00.0: AER: Downstream Port link has been reset (0)",
      "pcieport 0000:02:00.0: AER: device recovery failed",
    ]);
  });
  it("on a root port (its own Surprise Down): registers read, everything below votes, the Root Port's link is reset", async () => {
    const drivers = Object.fromEntries(["0000:03:00.0", "0000:04:00.0", "0000:05:00.0"].map((a) => [a, scriptedAerDriver("igb", { errorDetected: "can recover" })]));
    const e = aerEnv({ drivers });
    e.host.injectLinkDown(RP);
    await e.host.settle();
    expect(e.log.grep(/SDES|Root Port link|received from/)).toEqual([
      "pcieport 0000:00:00.0: AER: Uncorrectable (Fatal) error message received from 0000:00:00.0",
      "pcieport 0000:00:00.0:    [ 5] SDES                   (First)",
      "pcieport 0000:00:00.0: AER: Root Port link has been reset (0)",
    ]);
    expect(e.host.recoveries[0]).toMatchObject({ bridge: RP, outcome: "recovered" });
    expect(Object.values(drivers).map((d) => d.calls[0])).toEqual(["error_detected(IO frozen)", "error_detected(IO frozen)", "error_detected(IO frozen)"]);
    // One device without a driver in the scope fails it all (NO_AER_DRIVER is sticky).
    const f = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "can recover" }) } });
    f.host.injectLinkDown(RP);
    await f.host.settle();
    expect(f.host.recoveries[0]).toMatchObject({ bridge: RP, outcome: "failed", status: 6 });
  });
  it("a permanently dead link: reset rc -ENOTTY after the 1 s wait → 'subordinate device reset failed'", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" }) } });
    e.host.injectLinkDown(DSP, { permanent: true });
    await e.host.settle();
    expect(e.log.grep(/[Ll]ink|reset failed|recovery/)).toEqual([
      "pcieport 0000:02:00.0: Data Link Layer Link Active not set in 1000 msec",
      "pcieport 0000:02:00.0: AER: Downstream Port link has been reset (-25)",
      "pcieport 0000:02:00.0: AER: subordinate device reset failed",
      "pcieport 0000:02:00.0: AER: device recovery failed",
    ]);
    expect(e.host.recoveries[0]).toMatchObject({ outcome: "failed", resetRc: -25, end: 1002 });
  });
});

describe("source search (find_source_device)", () => {
  it("multi: every device with an unmasked error is found, at most 5; the 6th is 'Exceeded' (6.16); the id's device is reported first", async () => {
    const e = aerEnv({ drivers: {} }, switchPhb(0, "ioda2", 6));
    const eps = [3, 4, 5, 6, 7, 8].map((b) => `0000:0${b}:00.0`);
    for (const a of eps) e.host.bindDriver(a, scriptedAerDriver("d", { errorDetected: "can recover" }));
    const root = e.host.device(RP);
    e.host.setRootInterrupts(root, false);
    for (const a of eps) e.host.injectUncorrectable(a, R.PCI_ERR_UNC_UNSUP);
    e.host.setRootInterrupts(root, true);
    e.host.irq(0);
    await e.host.settle();
    expect(e.log.grep("received from")).toEqual(["pcieport 0000:00:00.0: AER: Multiple Uncorrectable (Non-Fatal) error message received from 0000:03:00.0"]);
    expect(e.log.grep("Exceeded")).toEqual(["d 0000:08:00.0: AER: Exceeded max supported (5) devices with errors logged"]);
    expect(e.log.grep("PCIe Bus Error").map((l) => l.slice(2, 14))).toEqual(eps.slice(0, 5).map((a) => a));
    expect(e.log.grep("reported first")).toEqual(["d 0000:03:00.0: AER:   Error of this Agent is reported first"]);
    expect(e.host.recoveries).toHaveLength(5);
  });
  it("no match → 'can't find device of ID' (B) / the '(no details found' root line (C)", async () => {
    for (const [format, want] of [
      ["v4.19", "pcieport 0000:00:00.0: AER: can't find device of ID0900"],
      ["mainline", "pcieport 0000:00:00.0: AER: Correctable error message received from 0000:09:00.0 (no details found"],
    ] as const) {
      const e = aerEnv({ format });
      e.m.apply((d) => {
        const f = d.phbs[0]!.functions[0]!;
        f.config = withHardwareWrites(f.config, (r) => {
          r.write(PCI_AER_CAP_BASE + R.PCI_ERR_ROOT_STATUS, 4, R.PCI_ERR_ROOT_COR_RCV);
          r.write(PCI_AER_CAP_BASE + R.PCI_ERR_ROOT_ERR_SRC, 4, 0x0900);
        });
      });
      e.host.irq(0);
      await e.host.settle();
      expect(e.log.grep(/can't find|no details/)).toEqual([want]);
    }
  });
  it("an id on bus 0 is not trusted: the search falls back to status (enabled, reporting on, unmasked error)", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "can recover" }) } });
    e.m.apply((d) => {
      const f = d.phbs[0]!.functions[e.m.locate(EP).rid]!;
      f.config = withHardwareWrites(f.config, (r) => r.set(PCI_AER_CAP_BASE + R.PCI_ERR_COR_STATUS, 4, R.PCI_ERR_COR_BAD_DLLP));
      const rp = d.phbs[0]!.functions[0]!;
      rp.config = withHardwareWrites(rp.config, (r) => r.write(PCI_AER_CAP_BASE + R.PCI_ERR_ROOT_STATUS, 4, R.PCI_ERR_ROOT_COR_RCV));
    });
    e.host.irq(0);
    await e.host.settle();
    expect(e.log.grep("PCIe Bus Error")).toEqual(["igb 0000:03:00.0: PCIe Bus Error: severity=Correctable, type=Data Link Layer, (Receiver ID)"]);
  });
});

describe("printout generations, counters, ratelimit, kfifo", () => {
  it("(A) legacy: id=%04x and long names", async () => {
    const e = aerEnv({ format: "legacy", drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "can recover" }) } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_COMP_ABORT, [1, 2, 3, 4]);
    await e.host.settle();
    expect(body(e).slice(1, 6)).toEqual([
      "pcieport 0000:00:00.0: AER: Uncorrected (Non-Fatal) error received: id=0300",
      "igb 0000:03:00.0: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, id=0300(Completer ID)",
      "igb 0000:03:00.0:   device [15b3:1013] error status/mask=00008000/00400000",
      "igb 0000:03:00.0:    [15] Completer Abort        (First)",
      "igb 0000:03:00.0:   TLP Header: 00000001 00000002 00000003 00000004",
    ]);
  });
  it("6.16 ratelimit: 10 correctable printouts per 5 s per device; counters and trace events count them all", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "can recover" }) } });
    for (let i = 0; i < 12; i++) {
      e.host.injectCorrectable(EP, R.PCI_ERR_COR_BAD_TLP);
      await e.host.settle();
      e.clock.advanceBy(100);
    }
    expect(e.log.grep("PCIe Bus Error")).toHaveLength(10);
    expect(e.log.grep("received from")).toHaveLength(10);
    expect(e.host.device(EP).stats.devTotalCorErrs).toBe(12);
    expect(e.host.traces).toHaveLength(12);
    e.clock.advanceBy(5000);
    e.host.injectCorrectable(EP, R.PCI_ERR_COR_BAD_TLP);
    await e.host.settle();
    expect(e.log.grep("PCIe Bus Error")).toHaveLength(11);
    // fatal is never limited; older generations are not limited at all
    const old = aerEnv({ format: "v4.19" });
    for (let i = 0; i < 12; i++) {
      old.host.injectCorrectable(EP, R.PCI_ERR_COR_BAD_TLP);
      await old.host.settle();
    }
    expect(old.log.grep("PCIe Bus Error")).toHaveLength(12);
  });
  it("non-fatal sysfs counters per bit, unnamed bits as dev_*_bit[n]", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "can recover" }) } });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.host.settle();
    e.host.device(EP).stats.devNonfatalErrs[3] = 2; // a reserved bit some device reported
    const text = e.host.sysfs(EP, "aer_dev_nonfatal");
    expect(text).toContain("UnsupReq 1\n");
    expect(text).toContain("dev_nonfatal_errs_bit[3] 2\n");
    expect(text.endsWith("TOTAL_ERR_NONFATAL 1\n")).toBe(true);
    expect(e.host.sysfs(RP, "aer_rootport_total_err_nonfatal")).toBe("1\n");
    expect(e.host.sysfs(RP, "aer_rootport_total_err_fatal")).toBe("0\n");
  });
  it("the 128-entry kfifo drops what does not fit", async () => {
    const e = aerEnv();
    for (let i = 0; i < AER_ERROR_SOURCES_MAX + 2; i++) e.host.injectCorrectable(EP, R.PCI_ERR_COR_BAD_TLP);
    expect(e.host.pending()).toBe(AER_ERROR_SOURCES_MAX);
    expect(e.host.events.filter((x) => x.step === "fifo-full")).toHaveLength(2);
    await e.host.settle();
    expect(e.host.pending()).toBe(0);
  });
});

describe("a device left in permanent failure", () => {
  it("votes DISCONNECT without its driver being called", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "can recover" });
    const e = aerEnv({ drivers: { [EP]: drv } });
    e.host.device(EP).errorState = 3;
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.host.settle();
    expect(drv.calls).toEqual([]);
    expect(e.host.recoveries[0]!.outcome).toBe("failed");
  });
});

