// QEMU vfio-pci (aer-xen.md §6, seed 002): the err eventfd, vm_stop(internal-error), the
// management side, realize-time warnings, the 2025 per-device hook, and the seed's
// forwarding modes (non-fatal only; all, with the guest's link reset turned into an FLR —
// or into a second host link reset, the seed's Problem C).
import { describe, expect, it } from "vitest";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import * as R from "../../src/pci/regs.js";
import { DSP, EP, qemuEnv } from "./setup.js";

const aware = () => scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" });
const STDERR = "qemu-system-x86_64: vfio_err_notifier_handler(0000:03:00.0) Unrecoverable error detected. Please collect any data possible and then kill the guest";

describe("mainline: vm_stop on the error eventfd", () => {
  for (const [what, bit, reset] of [
    ["fatal", R.PCI_ERR_UNC_MALF_TLP, true],
    ["non-fatal", R.PCI_ERR_UNC_UNSUP, false],
  ] as const) {
    it(`${what}: vfio-pci votes CAN_RECOVER and signals; QEMU pauses the whole VM; the guest hears nothing`, async () => {
      const drv = aware();
      const e = qemuEnv({}, { driver: drv });
      e.host.injectUncorrectable(EP, bit);
      await e.host.settle();
      expect(e.vfio.calls.map((c) => c.vote)).toEqual([2]);
      expect(e.vm.stderr.map((l) => l.line)).toEqual([STDERR]);
      expect(e.vm.runstate).toBe("internal-error");
      expect(e.vm.qmp.map((q) => q.event)).toEqual(["STOP", "RUNSTATE"]);
      expect(drv.calls).toEqual([]);
      expect(e.host.recoveries[0]).toMatchObject({ outcome: "recovered", ...(reset ? { resetRc: 0, bridge: DSP } : {}) });
      expect(e.host.recoveries[0]!.resetRc !== undefined).toBe(reset);
    });
  }
  it("correctable: vfio-pci has no cor_error_detected, nothing reaches QEMU", async () => {
    const e = qemuEnv();
    e.host.injectCorrectable(EP, R.PCI_ERR_COR_BAD_TLP);
    await e.host.settle();
    expect(e.vm.runstate).toBe("running");
    expect(e.vfio.calls).toEqual([]);
  });
});

describe("management decides", () => {
  it("cont is refused from internal-error ('Resetting the Virtual Machine is required')", async () => {
    const e = qemuEnv({ management: "cont", managementDelayMs: 500 });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.host.settle();
    expect(e.vm.runstate).toBe("internal-error");
    expect(e.vm.qmp.at(-1)).toEqual({ time: 500, event: "QMP_ERROR", data: { command: "cont", desc: "Resetting the Virtual Machine is required" } });
  });
  it("system_reset + cont: the device is reset (FLR) and the guest reboots", async () => {
    const e = qemuEnv({ management: "system-reset" });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.host.settle();
    expect(e.vm.runstate).toBe("running");
    expect(e.vm.boots).toBe(2);
    expect(e.vm.qmp.map((q) => q.event)).toEqual(["STOP", "RUNSTATE", "RESET", "RESUME"]);
    expect(e.vm.hostResets.map((r) => r.kind)).toEqual(["flr"]);
  });
  it("destroy", async () => {
    const e = qemuEnv({ management: "destroy" });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.host.settle();
    expect(e.vm.runstate).toBe("shutdown");
  });
});

describe("realize and the kernel side", () => {
  it("no ERR irq: a warning at realize, no eventfd — the host resets the link under a running guest", async () => {
    const e = qemuEnv({}, { errIrqCount: 0 });
    expect(e.vm.stderr.map((l) => l.line)).toEqual(["qemu-system-x86_64: warning: vfio 0000:03:00.0: Could not enable error recovery for the device"]);
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.host.settle();
    expect(e.vm.runstate).toBe("running");
    expect(e.host.recoveries[0]!.resetRc).toBe(0);
  });
  it("the eventfd cannot be set up", () => {
    const e = qemuEnv({}, { eventfdFails: true });
    expect(e.vm.stderr.map((l) => l.line)).toEqual(["qemu-system-x86_64: vfio: Unable to init event notifier for error detection"]);
    expect(e.vm.devices[0]!.pciAer).toBe(false);
  });
  it("the 2025 per-device err_handler is tried first; only when it fails does QEMU stop the VM", async () => {
    const handled = qemuEnv({ errHandler: () => true });
    handled.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await handled.host.settle();
    expect(handled.vm.runstate).toBe("running");
    const refused = qemuEnv({ errHandler: () => false });
    refused.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await refused.host.settle();
    expect(refused.vm.runstate).toBe("internal-error");
  });
  it("older kernels: vfio device lookup fails → DISCONNECT → host recovery fails", async () => {
    const e = qemuEnv();
    e.vfio.lookupFails = true;
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.host.settle();
    expect(e.host.recoveries[0]!.outcome).toBe("failed");
    expect(e.vm.runstate).toBe("running"); // nothing signalled
  });
});

describe("the seed's forwarding modes", () => {
  it("forward-nonfatal: a non-fatal error reaches the guest's own AER; a fatal one still stops the VM", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "can recover", mmioEnabled: "recovered" });
    const e = qemuEnv({ aerMode: "forward-nonfatal" }, { driver: drv });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP, [1, 2, 3, 4]);
    await e.host.settle();
    await e.vm.guest!.aer.settle();
    expect(drv.calls).toEqual(["error_detected(IO normal)", "mmio_enabled", "resume"]);
    expect(e.vm.guestLog.grep("received from")).toEqual(["pcieport 0000:00:00.0: AER: Uncorrectable (Non-Fatal) error message received from 0000:01:00.0"]);
    expect(e.vm.guestLog.grep("TLP Header")).toEqual(["igb 0000:01:00.0: AER:   TLP Header: 0x00000001 0x00000002 0x00000003 0x00000004"]);
    expect(e.vm.runstate).toBe("running");
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.host.settle();
    expect(e.vm.runstate).toBe("internal-error");
  });
  it("forward-all, fatal: host link reset first, then the guest recovers; its link reset becomes an FLR, not a second link reset", async () => {
    const drv = aware();
    const e = qemuEnv({ aerMode: "forward-all" }, { driver: drv });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.host.settle();
    await e.vm.guest!.aer.settle();
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "slot_reset", "resume"]);
    expect(e.host.events.filter((x) => x.step === "reset")).toHaveLength(1);
    // Serialised as the seed's workable version: the guest hears of it after the host's reset.
    expect(e.vm.qmp.find((q) => q.event === "AER_FORWARDED")!.time).toBe(102);
    expect(e.vm.hostResets).toEqual([{ time: 102, kind: "flr", device: EP }]);
    expect(e.vm.guestLog.grep("link has been reset")).toEqual(["pcieport 0000:00:00.0: AER: Root Port link has been reset (0)"]);
    expect(e.vm.guest!.aer.recoveries[0]!.outcome).toBe("recovered");
    expect(e.vm.runstate).toBe("running");
  });
  it("forward-all translating the guest's link reset into a host link reset: the link is reset twice (Problem C)", async () => {
    const e = qemuEnv({ aerMode: "forward-all", guestLinkReset: "bus-reset" }, { driver: aware() });
    e.host.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.host.settle();
    await e.vm.guest!.aer.settle();
    // Not serialised: the guest's reset runs while the host's own is still in progress.
    expect(e.vm.hostResets).toEqual([{ time: 0, kind: "bus-reset", device: DSP }]);
    expect(e.host.events.filter((x) => x.step === "reset")).toHaveLength(1); // + the one QEMU asked for
  });
});
