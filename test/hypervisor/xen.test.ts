// Xen pciback / pcifront (aer-xen.md §5, seed 001): forwarding each recovery step to the
// guest, the table of §5.2, the kill path and the toolstack, timeouts on the virtual clock.
import { describe, expect, it } from "vitest";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import { readAer } from "../../src/pci/aer-capability.js";
import * as R from "../../src/pci/regs.js";
import {
  XEN_PCIB_AERHANDLER,
  XEN_PCIB_active,
  XEN_PCIF_active,
  XEN_PCI_MAGIC,
  XEN_PCI_OP_aer_detected,
  XEN_PCI_OP_aer_mmio,
  XEN_PCI_OP_aer_resume,
  XEN_PCI_OP_aer_slotreset,
  _PCIB_op_pending,
  _PDEVB_op_active,
  _XEN_PCIB_AERHANDLER,
  _XEN_PCIB_active,
  _XEN_PCIF_active,
  pciBackendNode,
} from "../../src/hypervisor/xen/index.js";
import { EP, xenEnv } from "./setup.js";

describe("pciif.h (§5.1)", () => {
  it("commands, flag bits and the magic", () => {
    expect([XEN_PCI_OP_aer_detected, XEN_PCI_OP_aer_resume, XEN_PCI_OP_aer_mmio, XEN_PCI_OP_aer_slotreset]).toEqual([6, 7, 8, 9]);
    expect([_XEN_PCIF_active, _XEN_PCIB_AERHANDLER, _XEN_PCIB_active]).toEqual([0, 1, 2]);
    expect([XEN_PCIF_active, XEN_PCIB_AERHANDLER, XEN_PCIB_active]).toEqual([1, 2, 4]);
    expect([_PCIB_op_pending, _PDEVB_op_active, XEN_PCI_MAGIC]).toEqual([1, 0, "7"]);
    expect(pciBackendNode(5)).toBe("/local/domain/0/backend/pci/5/0");
  });
});

describe("a PV guest with an AER-aware driver", () => {
  it("fatal: each step is forwarded, answered, and the shared page ends clean", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" });
    const e = xenEnv({ driver: drv, keepDebug: true });
    expect(e.front!.shared.flags).toBe(XEN_PCIB_AERHANDLER); // pcifront always advertises a handler
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.dom0.settle();
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "slot_reset", "resume"]);
    expect(e.front!.calls.map((c) => [c.command, c.device, c.callback, c.result])).toEqual([
      ["aer_detected", "0000:00:00.0", "error_detected(IO frozen)", "need reset"],
      ["aer_slotreset", "0000:00:00.0", "slot_reset", "recovered"],
      ["aer_resume", "0000:00:00.0", "resume", "none"],
    ]);
    expect(e.xen.pciback.records.map((r) => [r.step, r.outcome, r.vote, r.killed])).toEqual([
      ["error_detected", "answered", "need reset", false],
      ["slot_reset", "answered", "recovered", false],
      ["resume", "answered", "none", false],
    ]);
    expect(e.front!.shared.flags).toBe(XEN_PCIB_AERHANDLER);
    expect(e.vm.running).toBe(true);
    expect(e.dom0.recoveries[0]).toMatchObject({ outcome: "recovered", resetRc: 0 });
    expect(e.log.grep("xen_pcibk_")).toEqual(["pciback 0000:03:00.0: xen_pcibk_error_detected(bus:3,devfn:0)", "pciback 0000:03:00.0: xen_pcibk_slot_reset(bus:3,devfn:0)", "pciback 0000:03:00.0: xen_pcibk_error_resume(bus:3,devfn:0)"]);
    expect(e.xen.store.writes).toEqual([]);
  });
  it("non-fatal: error_detected gets io_normal; mmio_enabled is forwarded for CAN_RECOVER", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "can recover", mmioEnabled: "recovered" });
    const e = xenEnv({ driver: drv });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    expect(drv.calls).toEqual(["error_detected(IO normal)", "mmio_enabled", "resume"]);
  });
  it("correctable errors are not forwarded (pciback has no cor_error_detected)", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "can recover", corErrorDetected: true });
    const e = xenEnv({ driver: drv });
    e.dom0.injectCorrectable(EP, R.PCI_ERR_COR_BAD_TLP);
    await e.dom0.settle();
    expect(drv.calls).toEqual([]);
    expect(e.front!.calls).toEqual([]);
    expect(e.xen.pciback.records).toEqual([]);
    expect(readAer(e.m.phbState(0).functions[0x300]!.config)!.corStatus).toBe(0); // dom0 cleared it
  });
});

describe("guests that cannot handle it", () => {
  it("a driver without error_detected: NONE → aerfail → xend powers the guest off", async () => {
    const e = xenEnv({ driver: scriptedAerDriver("legacy", {}), keepDebug: true });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    expect(e.xen.store.read(`${pciBackendNode(1)}/aerState`)).toBe("aerfail");
    expect(e.vm.state).toBe("shutdown");
    expect(e.xen.toolstack.log.map((l) => l.line)).toEqual(["[xend] domain 1 (vm1): shutdown domain because of aer handle error"]);
    expect(e.log.grep("No AER error_detected service or disconnected!")).toHaveLength(1);
    // pciback took the device back and reset it
    expect(e.xen.pciback.stubs.get(EP)!.pdev).toBeUndefined();
  });
  it("…under xl nothing watches aerState: the guest keeps running", async () => {
    const e = xenEnv({ toolstack: "xl", driver: scriptedAerDriver("legacy", {}) });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    expect(e.xen.pciback.kills.length).toBeGreaterThan(0);
    expect(e.vm.running).toBe(true);
  });
  it("no driver at all in the guest: 'device or AER driver is NULL' → NONE → killed", async () => {
    const e = xenEnv();
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.dom0.settle();
    expect(e.vm.log.grep("device or AER driver is NULL")).toEqual(["pcifront pci-0: device or AER driver is NULL"]);
    expect(e.vm.state).toBe("shutdown");
  });
  it("an HVM guest (sh_info NULL): 'not connected or owned by HVM, kill it'", async () => {
    const e = xenEnv({ guest: "hvm", driver: scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" }) });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.dom0.settle();
    expect(e.log.grep("HVM")[0]).toBe("pciback 0000:03:00.0: device is not connected or owned by HVM, kill it");
    expect(e.vm.state).toBe("shutdown");
    expect(e.xen.pciback.records[0]).toMatchObject({ outcome: "no-frontend", vote: "can recover", killed: true });
  });
  it("a frontend without _XEN_PCIB_AERHANDLER: error_detected kills, mmio_enabled only complains, resume kills (§5.2)", async () => {
    const e = xenEnv({ toolstack: "xl", driver: scriptedAerDriver("igb", { errorDetected: "can recover" }), frontend: { advertiseAerHandler: false } });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    expect(e.xen.pciback.records.map((r) => [r.step, r.outcome, r.vote, r.killed])).toEqual([
      ["error_detected", "no-aer-handler", "can recover", true],
      ["mmio_enabled", "no-aer-handler", "recovered", false],
      ["resume", "no-aer-handler", "recovered", true],
    ]);
    expect(e.log.grep("should have been killed")).toEqual(["pciback 0000:03:00.0: guest with no AER driver should have been killed", "pciback 0000:03:00.0: guest with no AER driver should have been killed"]);
  });
  it("the virtual BDF cannot be translated: 'failed to get pcifront device' → NONE → kill", async () => {
    const e = xenEnv({ vbdf: null, driver: scriptedAerDriver("igb", { errorDetected: "can recover" }) });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    // dom0's recovery runs on before the toolstack reacts: every step fails the same way.
    expect(e.log.grep("failed to get pcifront device")).toHaveLength(3);
    expect(e.vm.state).toBe("shutdown");
  });
});

describe("timeouts on the virtual clock", () => {
  it("a guest that never answers: 300 s, 'pcifront aer process not responding!', the default vote, no kill by itself", async () => {
    const drv = scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" });
    const e = xenEnv({ driver: drv, frontend: { stall: (cmd) => cmd === XEN_PCI_OP_aer_detected } });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.dom0.settle();
    const r0 = e.xen.pciback.records[0]!;
    expect(r0).toMatchObject({ step: "error_detected", outcome: "timeout", vote: "can recover", killed: false, sent: 0, done: 300_000 });
    expect(e.log.grep("not responding")).toEqual(Array(3).fill("pciback 0000:03:00.0: pcifront aer process not responding!"));
    expect(e.front!.shared.aerOp.err).not.toBe(undefined);
    // _PDEVB_op_active stays set in the guest: later requests are never serviced either.
    expect(e.xen.pciback.records.map((r) => r.outcome)).toEqual(["timeout", "timeout", "timeout"]);
    expect(e.clock.now()).toBe(3 * 300_000 + 102);
    expect(e.vm.running).toBe(true);
    expect(drv.calls).toEqual([]);
  });
  it("a hung frontend keeps a guest without a handler alive: timeouts return defaults and kill nobody", async () => {
    const e = xenEnv({ frontend: { stall: () => true } }); // no guest driver at all
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_MALF_TLP);
    await e.dom0.settle();
    expect(e.xen.pciback.records.every((r) => r.outcome === "timeout" && !r.killed)).toBe(true);
    expect(e.xen.pciback.kills).toEqual([]);
    expect(e.vm.running).toBe(true);
  });
  it("a driver with error_detected but no mmio_enabled: the guest oopses in pcifront_do_aer, pciback times out", async () => {
    const e = xenEnv({ driver: scriptedAerDriver("half", { errorDetected: "can recover", resume: true }) });
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    expect(e.vm.oopsed).toBe(true);
    expect(e.vm.log.grep("NULL pointer")).toHaveLength(1);
    expect(e.xen.pciback.records.map((r) => [r.step, r.outcome])).toEqual([
      ["error_detected", "answered"],
      ["mmio_enabled", "timeout"],
      ["resume", "timeout"],
    ]);
    expect(e.dom0.recoveries[0]!.outcome).toBe("recovered"); // dom0 carries on with the defaults
  });
});

describe("the kill path and pciback's own devices", () => {
  it("xenstore EAGAIN is retried", async () => {
    const e = xenEnv({ driver: scriptedAerDriver("legacy", {}) });
    e.xen.store.failNextTransactions = 3;
    e.dom0.injectUncorrectable(EP, R.PCI_ERR_UNC_UNSUP);
    await e.dom0.settle();
    expect(e.xen.pciback.kills.length).toBeGreaterThan(0);
    expect(e.vm.state).toBe("shutdown");
  });
  it("a device pciback holds but has given to nobody (aer-xen-pciback-01): 'not found/assigned', recovery successful", async () => {
    const e = xenEnv({ keepDebug: true });
    e.xen.pciback.seize("0000:04:00.0");
    e.dom0.injectUncorrectable("0000:04:00.0", R.PCI_ERR_UNC_MALF_TLP);
    await e.dom0.settle();
    expect(e.log.grep(/pciback 0000:04:00.0: (xen_pcibk|device is)/)).toEqual([
      "pciback 0000:04:00.0: xen_pcibk_error_detected(bus:4,devfn:0)",
      "pciback 0000:04:00.0: device is not found/assigned",
      "pciback 0000:04:00.0: xen_pcibk_mmio_enabled(bus:4,devfn:0)",
      "pciback 0000:04:00.0: device is not found/assigned",
      "pciback 0000:04:00.0: xen_pcibk_error_resume(bus:4,devfn:0)",
      "pciback 0000:04:00.0: device is not found/assigned",
    ]);
    expect(e.log.grep("device recovery successful")).toEqual(["pcieport 0000:02:01.0: AER: device recovery successful"]);
  });
});
