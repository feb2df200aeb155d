// The comparison (issue 7): one fault under eeh-vfio, xen-pciback and qemu-vfio-aer; its
// JSON input with typed errors naming the JSON path; the CLI; and a check that the EEH path
// run through the EEH core gives the guest the same callbacks as the real VFIO ownership
// model of src/vfio.
import { readFileSync } from "node:fs";
import { runCli } from "../cli/run-cli.js";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAerHost } from "../../src/aer/aer-host.js";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import { compareModels, type CompareInput } from "../../src/hypervisor/compare.js";
import { CompareInputError, compareInputFromJson, parseAnswers, parseCompareArgs } from "../../src/hypervisor/compare-input.js";
import { formatComparison } from "../../src/hypervisor/compare-format.js";
import { VirtualClock } from "../../src/core/clock.js";
import { HostLog } from "../../src/eeh/host-log.js";
import { EehCore } from "../../src/eeh/eeh-core.js";
import { Machine } from "../../src/ioda/machine.js";
import { injectPcieUe } from "../../src/ioda/faults.js";
import { OpalFirmware } from "../../src/platform/powernv/opal.js";
import { PnvEehOps } from "../../src/platform/powernv/pnv-eeh-ops.js";
import { VfioHost } from "../../src/vfio/index.js";
import * as R from "../../src/pci/regs.js";
import { EehVfioGuest } from "./eeh-vfio-guest.js";

const FIX = join(import.meta.dirname, "../../fixtures/aer");
const kit = { nativeAer: createAerHost };
const EP = "0000:03:00.0";

async function compare(input: CompareInput) {
  const r = await compareModels(input, kit);
  return Object.fromEntries(r.models.map((m) => [m.model, m]));
}

describe("one fault under all three models", () => {
  it("a fatal Malformed TLP with a driver that asks for a reset", async () => {
    const m = await compare({ fault: { device: EP, error: "MALF_TLP" }, driver: { name: "igb", errorDetected: "need reset", slotReset: "recovered" } });
    const eeh = m["eeh-vfio"]!;
    const xen = m["xen-pciback"]!;
    const qemu = m["qemu-vfio-aer"]!;
    // What the guest saw.
    expect(eeh.guestSaw.map((o) => o.what).slice(0, 3)).toEqual(["error_detected(IO frozen) → 'need reset'", "slot_reset → 'recovered'", "resume"]);
    expect(xen.guestSaw.map((o) => o.what)).toEqual(["error_detected(IO frozen) → 'need reset'", "slot_reset → 'recovered'", "resume"]);
    expect(qemu.guestSaw.map((o) => o.what)).toEqual(["VM paused by vm_stop (runstate internal-error); no error reaches the guest"]);
    // Whether it survived, and how long it took on the virtual clock.
    expect([eeh.survived, xen.survived, qemu.survived]).toEqual([true, true, false]);
    expect(eeh.recoveryMs).toBeGreaterThan(2000); // EEH's 250 ms hold + 1800 ms settle hot reset
    expect(xen.recoveryMs).toBe(102); // SBR 2 ms + 100 ms
    expect(qemu.recoveryMs).toBeUndefined();
    expect(qemu.guestState).toBe("internal-error");
    // The host log lines: EEH on PowerNV (and no AER line), AER on the others.
    expect(eeh.hostLog.some((l) => l.includes("EEH: Recovery successful."))).toBe(true);
    expect(eeh.hostLog.some((l) => l.includes("AER:"))).toBe(false);
    expect(xen.hostLog.some((l) => l.includes("pciback 0000:03:00.0: AER: PCIe Bus Error: severity=Uncorrectable (Fatal), type=Inaccessible"))).toBe(true);
    expect(qemu.hostLog.some((l) => l.includes("vfio_err_notifier_handler(0000:03:00.0) Unrecoverable error detected"))).toBe(true);
    expect(eeh.notes.some((n) => n.includes("RootErrSts 00000054") && n.includes("source 03000000"))).toBe(true);
  });
  it("a driver without error handlers: EEH hot-removes and re-adds it; Xen kills the guest; QEMU pauses", async () => {
    const m = await compare({ fault: { device: EP, error: "UnsupReq" }, driver: { name: "legacy" } });
    expect(m["eeh-vfio"]!.survived).toBe(true);
    expect(m["eeh-vfio"]!.guestSaw.map((o) => o.what)).toContain("device hot-removed (driver not EEH aware, or no driver)");
    expect(m["xen-pciback"]!.guestState).toMatch(/^shutdown/);
    expect(m["xen-pciback"]!.hostLog.some((l) => l.includes("shutdown domain because of aer handle error"))).toBe(true);
    expect(m["qemu-vfio-aer"]!.guestRunning).toBe(false);
  });
  it("a correctable error: nothing reaches any guest", async () => {
    const m = await compare({ fault: { device: EP, error: "BAD_TLP" }, driver: { name: "igb", errorDetected: "can recover", corErrorDetected: true } });
    for (const r of Object.values(m)) {
      expect(r.survived).toBe(true);
      expect(r.recoveryMs).toBe(0);
      expect(r.guestSaw.filter((o) => o.what.includes("→"))).toEqual([]);
    }
  });
  it("the side-by-side table has a column per model and the rows of the issue", async () => {
    const r = await compareModels({ fault: { device: EP, error: "MALF_TLP" } }, kit);
    const text = formatComparison(r, { logs: true }).join("\n");
    expect(text).toMatch(/\| eeh-vfio +\| xen-pciback +\| qemu-vfio-aer/);
    for (const row of ["guest saw", "guest state", "survived", "time to recovery", "host log lines"]) expect(text).toMatch(new RegExp(`^${row} +\\|`, "m"));
    expect(text).toContain("== qemu-vfio-aer: host log ==");
  });
  it("the QEMU forwarding mode and the xl toolstack can be chosen", async () => {
    const m = await compare({ fault: { device: EP, error: "UNSUP" }, driver: { name: "igb", errorDetected: "can recover" }, qemu: { mode: "forward-all" }, xen: { toolstack: "xl" }, models: ["qemu-vfio-aer"] });
    expect(Object.keys(m)).toEqual(["qemu-vfio-aer"]);
    expect(m["qemu-vfio-aer"]!.survived).toBe(true);
    expect(m["qemu-vfio-aer"]!.guestSaw.map((o) => o.what)[0]).toMatch(/QEMU injects the error/);
  });
  it("link-down: the port above the device loses its link", async () => {
    const m = await compare({ fault: { device: EP, error: "link-down" }, driver: { name: "igb", errorDetected: "need reset", slotReset: "recovered" }, models: ["eeh-vfio", "xen-pciback"] });
    expect(m["xen-pciback"]!.hostLog.some((l) => l.includes("pcieport 0000:02:00.0:    [ 5] SDES"))).toBe(true);
    expect(m["xen-pciback"]!.survived).toBe(true);
    expect(m["eeh-vfio"]!.hostHandling).toMatch(/link down below 0000:02:00.0/);
  });
});

describe("the EEH path and the VFIO ownership model agree", () => {
  it("the guest's driver sees the same callbacks when the recovery goes through VFIO_EEH_PE_OP", async () => {
    const m = Machine.build({ phbs: [(await import("../ioda/fixtures.js")).switchPhb(0, "ioda2", 2)] });
    const clock = new VirtualClock();
    const log = new HostLog(clock);
    const core = new EehCore(m, clock, new PnvEehOps(new OpalFirmware(m, clock), clock, log), log);
    const drv = scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" });
    const guest = new EehVfioGuest("vm1", new VfioHost(core), EP, { driver: drv });
    const attach = guest.attach();
    await clock.runUntilIdle();
    expect(await attach).toBe(0);
    injectPcieUe(m, EP, R.PCI_ERR_UNC_MALF_TLP);
    const host = core.drain();
    const read = guest.driverRead();
    await clock.runUntilIdle();
    await host;
    expect(await read).toBe("recovered");
    expect(log.grep("recovery left to guest vm1")).toHaveLength(1);
    const viaCore = await compare({ fault: { device: EP, error: "MALF_TLP" }, driver: { name: "igb", errorDetected: "need reset", slotReset: "recovered" }, models: ["eeh-vfio"] });
    const saw = viaCore["eeh-vfio"]!.guestSaw.map((o) => o.what.replace(/ → .*/, "")).filter((w) => /^(error_detected|mmio_enabled|slot_reset|resume)/.test(w));
    expect(drv.calls).toEqual(saw);
  });
});

describe("the comparison input", () => {
  it("the fixtures validate; defaults fill in", () => {
    const a = compareInputFromJson(JSON.parse(readFileSync(join(FIX, "compare-fatal-aware.json"), "utf8")));
    expect(a.driver).toEqual({ name: "igb", errorDetected: "need reset", slotReset: "recovered", resume: true });
    expect(a.fault.tlpHeader).toEqual([1241513985, 16777220, 3735928559, 0]);
    const b = compareInputFromJson({ device: EP, error: "BAD_TLP" });
    expect(b.driver).toEqual({ name: "guestdrv", errorDetected: "need reset", slotReset: "recovered" });
    expect(compareInputFromJson({ device: EP, error: "x-link-down".slice(2), driver: null }).driver).toBeNull();
  });
  it.each([
    [[], "$"],
    [{ error: "MALF_TLP" }, "device"],
    [{ device: "0000:03:00", error: "MALF_TLP" }, "device"],
    [{ device: EP, error: "MALF" }, "error"],
    [{ device: EP, error: "UNSUP", severity: "bad" }, "severity"],
    [{ device: EP, error: "UNSUP", tlpHeader: [1, -2] }, "tlpHeader[1]"],
    [{ device: EP, error: "UNSUP", driver: { slot_reset: "fixed" } }, "driver.slot_reset"],
    [{ device: EP, error: "UNSUP", driver: { resume: "yes" } }, "driver.resume"],
    [{ device: EP, error: "UNSUP", driver: { error_detect: "none" } }, "driver.error_detect"],
    [{ device: EP, error: "UNSUP", models: ["eeh-vfio", "kvm"] }, "models[1]"],
    [{ device: EP, error: "UNSUP", xen: { stall: ["aer_mmio", "mmio"] } }, "xen.stall[1]"],
    [{ device: EP, error: "UNSUP", qemu: { mode: "pause" } }, "qemu.mode"],
    [{ device: EP, error: "UNSUP", extra: 1 }, "extra"],
    [{ device: EP, error: "UNSUP", machine: { phbs: [{ id: 0, domain: 0, model: "ioda3", functions: [] }] } }, "machine.phbs[0].model"],
  ])("%j → CompareInputError at %s", (doc, path) => {
    try {
      compareInputFromJson(doc);
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(CompareInputError);
      expect((e as CompareInputError).path).toBe(path);
      expect((e as CompareInputError).message.startsWith(`${path}: `)).toBe(true);
    }
  });
  it("--answers", () => {
    expect(parseAnswers("error_detected=can-recover,mmio_enabled=PCI_ERS_RESULT_RECOVERED,resume")).toEqual({ errorDetected: "can recover", mmioEnabled: "recovered", resume: true });
    expect(parseAnswers("none")).toEqual({});
    expect(() => parseAnswers("slot_reset")).toThrow(CompareInputError);
    expect(() => parseAnswers("probe=1")).toThrow(/unknown callback "probe"/);
  });
  it("flags map to the same input; errors name the flag", () => {
    const a = parseCompareArgs(["--error", "MALF_TLP", "--answers", "error_detected=need_reset,slot_reset=recovered", "--xen-guest", "hvm", "--models", "xen-pciback"]);
    if (typeof a === "string") throw new Error(a);
    expect(a.input).toMatchObject({ fault: { device: EP, error: "MALF_TLP" }, xen: { guest: "hvm" }, models: ["xen-pciback"], driver: { name: "guestdrv", errorDetected: "need reset", slotReset: "recovered" } });
    expect(parseCompareArgs(["--device", EP])).toBe("compare needs --error <name> (or --input <file.json>)");
    expect(parseCompareArgs(["--error"])).toBe("--error needs a value");
    expect(parseCompareArgs(["--input", "x.json", "--error", "UNSUP"])).toBe("--input cannot be combined with other fault options");
    expect(() => parseCompareArgs(["--error", "UNSUP", "--qemu-mode", "x"])).toThrow(/^--qemu-mode: expected one of/);
  });
});

describe("eeh-emu compare", () => {
  afterEach(() => vi.restoreAllMocks());

  it("flags → the table; --json → one object", async () => {
    const r = await runCli(["compare", "--error", "UNSUP", "--answers", "error_detected=can-recover,mmio_enabled=recovered", "--no-logs"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Fault: UNSUP (0x00100000, uncorrectable) on 0000:03:00.0");
    expect(r.out).not.toContain("host log ==");
    const j = await runCli(["compare", "--input", join(FIX, "compare-no-handler.json"), "--json"]);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out);
    expect(doc.models.map((m: { model: string; survived: boolean }) => [m.model, m.survived])).toEqual([
      ["eeh-vfio", true],
      ["xen-pciback", false],
    ]);
  });
  it("bad input is exit 1 with one line naming the JSON path; usage is exit 2", async () => {
    const bad = await runCli(["compare", "--input", join(FIX, "compare-bad.json")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('eeh-emu compare: driver.slot_reset: expected a result (none, can recover, need reset, disconnect, recovered, no AER driver), got "fixed"\n');
    const missing = await runCli(["compare", "--input", join(FIX, "nope.json")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.json: no such file/);
    const notJson = await runCli(["compare", "--input", join(FIX, "inject-lkml.txt")]);
    expect(notJson.err).toMatch(/not JSON/);
    expect((await runCli(["compare"])).code).toBe(2);
    expect((await runCli(["compare", "--help"])).out).toContain("Usage: eeh-emu compare");
  });
});
