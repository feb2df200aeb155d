// EEH recovery (linux-eeh.md §3.4–§3.9) on PowerNV: each merge outcome, drivers without
// handlers, the freeze limit and its one-hour window, fenced and dead PHBs, reset retries.
import { describe, expect, it } from "vitest";
import { powernv } from "./setup.js";
import { mergeResult, scriptedDriver, PCI_ERS_RESULT_CAN_RECOVER, PCI_ERS_RESULT_DISCONNECT, PCI_ERS_RESULT_NEED_RESET, PCI_ERS_RESULT_NONE, PCI_ERS_RESULT_RECOVERED } from "../../src/eeh/driver.js";
import { injectBadDma, injectFence, injectLinkDown, killPhb } from "../../src/ioda/faults.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING, EEH_PE_REMOVED } from "../../src/ioda/pe/pe-flags.js";

const DEV = "0000:04:00.0";

async function breakAndRecover(env: ReturnType<typeof powernv>, dev = DEV) {
  injectBadDma(env.m, dev);
  env.core.readMmio(dev, 0, 0n, 4);
  await env.core.settle();
  return env.core.outcomes.at(-1);
}

describe("merge rule (§3.2)", () => {
  it("follows the priority table: NEED_RESET > DISCONNECT > CAN_RECOVER > RECOVERED > NONE", () => {
    const order = [PCI_ERS_RESULT_NONE, PCI_ERS_RESULT_RECOVERED, PCI_ERS_RESULT_CAN_RECOVER, PCI_ERS_RESULT_DISCONNECT, PCI_ERS_RESULT_NEED_RESET];
    for (let i = 0; i < order.length; i++) for (let j = 0; j < order.length; j++) expect(mergeResult(order[i]!, order[j]!)).toBe(order[Math.max(i, j)]);
  });
});

describe("recovery outcomes", () => {
  it("need reset → slot_reset → resume: recovered, device usable, PE flags clear", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    const out = await breakAndRecover(env);
    expect(out?.outcome).toBe("recovered");
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "slot_reset", "resume"]);
    const pe = env.core.pe({ phbId: 0, pe: env.m.peOf(DEV).pe });
    expect(pe.state & (EEH_PE_ISOLATED | EEH_PE_RECOVERING)).toBe(0);
    expect(env.m.peFreezeState(0, pe.addr)).toEqual({ mmio: false, dma: false });
    expect(env.core.readMmio(DEV, 0, 0n, 4)).toBe(0x101315b3n);
    expect(env.log.grep("EEH: Notify device driver to resume")).toHaveLength(1);
    expect(env.log.grep("EEH: Reset without hotplug activity")).toHaveLength(1);
  });
  it("can recover → thaw MMIO, mmio_enabled, thaw DMA: recovered without a reset", async () => {
    const drv = scriptedDriver("e1000e", { errorDetected: "can recover", mmioEnabled: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    const out = await breakAndRecover(env);
    expect(out?.outcome).toBe("recovered");
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "mmio_enabled", "resume"]);
    expect(env.log.grep("EEH: Enable I/O for affected devices")).toHaveLength(1);
    expect(env.log.grep("EEH: Enabled DMA for affected devices")).toHaveLength(1);
    expect(env.log.grep(/Reset (with|without) hotplug/)).toHaveLength(0);
    expect(env.clock.now()).toBe(0);
  });
  it("can recover then need reset from mmio_enabled → reset", async () => {
    const drv = scriptedDriver("ixgbe", { errorDetected: "can recover", mmioEnabled: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    expect((await breakAndRecover(env))?.outcome).toBe("recovered");
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "mmio_enabled", "slot_reset", "resume"]);
  });
  it("disconnect → permanent failure: devices removed, PE REMOVED, permanent log", async () => {
    const drv = scriptedDriver("bnx2x", { errorDetected: "disconnect" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    expect((await breakAndRecover(env))?.outcome).toBe("failed");
    const pe = env.core.pe({ phbId: 0, pe: env.m.peOf(DEV).pe });
    expect(pe.state & EEH_PE_REMOVED).toBeTruthy();
    expect(env.core.device(DEV).present).toBe(false);
    expect(env.log.grep("EEH: Unable to recover from failure from PHB#0-PE#fa.")).toHaveLength(1);
    expect(env.log.grep("Please try reseating or replacing it")).toHaveLength(1);
    expect(env.core.logs.at(-1)?.severity).toBe(2);
    expect(drv.calls).toEqual(["error_detected(IO frozen)", "error_detected(permanent failure)"]);
  });
  it("a second need reset from slot_reset fails instead of resetting again", async () => {
    const drv = scriptedDriver("qla2xxx", { errorDetected: "need reset", slotReset: "need reset" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    expect((await breakAndRecover(env))?.outcome).toBe("failed");
    expect(env.log.grep("EEH: Reset without hotplug activity")).toHaveLength(1);
  });
  it("a driver answering 'recovered' from error_detected is trusted: the PE stays frozen (as in Linux)", async () => {
    const drv = scriptedDriver("liar", { errorDetected: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    expect((await breakAndRecover(env))?.outcome).toBe("recovered");
    expect(env.log.grep("EEH: Recovery successful.")).toHaveLength(1);
    expect(env.m.peFreezeState(0, env.m.peOf(DEV).pe)).toEqual({ mmio: true, dma: true });
  });
  it("a driver without handlers: reset with hotplug activity, device removed and re-added after 5 s", async () => {
    const env = powernv("ioda2", { drivers: { [DEV]: { name: "old_nic" } } });
    const out = await breakAndRecover(env);
    expect(out?.outcome).toBe("recovered");
    expect(env.log.grep("driver not EEH aware")).toHaveLength(2); // error_detected and resume passes
    expect(env.log.grep("EEH: Reset with hotplug activity")).toHaveLength(1);
    expect(env.log.grep("EEH: Sleep 5s ahead of complete hotplug")).toHaveLength(1);
    expect(env.core.device(DEV).present).toBe(true);
    expect(env.clock.now()).toBeGreaterThanOrEqual(5000);
    expect(env.core.readMmio(DEV, 0, 0n, 4)).toBe(0x101315b3n);
  });
  it("an unaware device beside an aware one is removed without its driver", async () => {
    const env = powernv("ioda2", { drivers: { [DEV]: scriptedDriver("good", { errorDetected: "need reset", slotReset: "recovered" }) } }, 3);
    // Put two functions in one PE: the link loss freezes the switch bus PE and its children.
    injectLinkDown(env.m, "0000:02:01.0");
    env.core.readMmio(DEV, 0, 0n, 4);
    await env.core.settle();
    expect(env.core.outcomes.some((o) => o.outcome === "recovered")).toBe(true);
  });
});

describe("the freeze limit (§1.8, §3.4 step 6)", () => {
  it("five recoveries within the hour succeed, the sixth disables the PE permanently", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    for (let i = 1; i <= 5; i++) {
      expect((await breakAndRecover(env))?.outcome).toBe("recovered");
      env.clock.advanceBy(60_000);
    }
    expect((await breakAndRecover(env))?.outcome).toBe("failed");
    expect(env.log.grep("EEH: PHB#0-PE#fa has failed 6 times in the last hour and has been permanently disabled.")).toHaveLength(1);
    expect(env.log.grep("has failed 5 times in the last hour and will be permanently disabled after 5 failures")).toHaveLength(1);
  });
  it("freezes spaced over more than an hour stay recoverable", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    for (let i = 1; i <= 8; i++) {
      expect((await breakAndRecover(env))?.outcome).toBe("recovered");
      env.clock.advanceBy(20 * 60_000); // 3 per hour window
    }
  });
  it("eeh_max_freezes is configurable", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv }, maxFreezes: 1 });
    expect((await breakAndRecover(env))?.outcome).toBe("recovered");
    expect((await breakAndRecover(env))?.outcome).toBe("failed");
  });
});

describe("PHB-wide errors (§3.9)", () => {
  it("a fenced PHB is found by next_error and recovered with a complete reset", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    injectFence(env.m, 0);
    expect(env.core.pendingEvents()).toBe(1); // the special event from the OPAL interrupt
    await env.core.settle();
    expect(env.log.grep("EEH: Fenced PHB#0 detected, location: N/A")).toHaveLength(1);
    expect(env.log.grep("EEH: Recovering PHB#0, location: N/A")).toHaveLength(1);
    expect(env.core.outcomes.at(-1)).toMatchObject({ pe: { phbId: 0, pe: "phb" }, outcome: "recovered" });
    expect(env.core.readMmio(DEV, 0, 0n, 4)).toBe(0x101315b3n);
    expect(env.core.irqMasked).toBe(false);
  });
  it("a dead PHB fails every device permanently", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    killPhb(env.m, 0);
    await env.core.settle();
    expect(env.log.grep("EEH: dead PHB#0 detected, location: N/A")).toHaveLength(1);
    expect(env.core.device(DEV).present).toBe(false);
    expect(drv.calls).toEqual(["error_detected(permanent failure)"]);
  });
  it("a frozen PE reported by next_error is recovered through the special event", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    injectBadDma(env.m, DEV); // nobody reads the device: only the OPAL event tells
    await env.core.settle();
    expect(env.log.grep("EEH: Frozen PE#fa on PHB#0 detected")).toHaveLength(1);
    expect(env.core.outcomes.at(-1)?.outcome).toBe("recovered");
  });
});

describe("parent promotion (§2.4 step 7)", () => {
  it("a fully frozen parent reads state 0, which is not > 0: the child's event is not moved up", async () => {
    // Faithful to eeh_dev_check_failure: only a *partially* frozen parent (state > 0 and not
    // active) takes the event. On PowerNV get_state of the frozen parent still isolates it
    // (pnv_eeh_get_pe_state), so its subtree stays latched until something resets it.
    const env = powernv("ioda2");
    injectLinkDown(env.m, "0000:02:00.0"); // ERR_FATAL from the port freezes the switch bus PE + children
    env.core.readMmio("0000:03:00.0", 0, 0n, 4);
    await env.core.settle();
    const sw = env.m.peOf("0000:02:00.0").pe;
    expect(env.log.grep("will be handled at parent")).toHaveLength(0);
    expect(env.log.grep(`EEH: Recovering PHB#0-PE#${env.m.peOf("0000:03:00.0").pe.toString(16)}`)).toHaveLength(1);
    expect(env.core.pe({ phbId: 0, pe: sw }).state & EEH_PE_ISOLATED).toBeTruthy();
  });
  it("a partially frozen parent (DMA stopped, MMIO working) takes the event", async () => {
    const env = powernv("ioda2");
    const sw = env.m.peOf("0000:02:00.0").pe;
    env.opal.eehFreezeSet(0, sw, 2); // DMA only: state MMIO_ACTIVE|MMIO_ENABLED (> 0, not active)
    injectBadDma(env.m, DEV);
    env.core.readMmio(DEV, 0, 0n, 4);
    expect(env.log.grep(`EEH: Failure of PHB#0-PE#${sw.toString(16)} will be handled at parent PHB#0-PE#${sw.toString(16)}.`)).toHaveLength(1);
  });
});

describe("reset retries (§3.6)", () => {
  it("a link that never comes back fails the reset three times, then permanently", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    injectLinkDown(env.m, "0000:02:01.0", { permanent: true });
    env.core.readMmio(DEV, 0, 0n, 4);
    await env.core.settle();
    expect(env.log.grep(/EEH: Failure -5 resetting PHB#0-PE#[0-9a-f]+ \(attempt [123]\)/)).toHaveLength(3);
    expect(env.core.outcomes.at(-1)?.outcome).toBe("failed");
  });
});

describe("structured events", () => {
  it("every step of a recovery is an event naming the PE, the device and the result", async () => {
    const drv = scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" });
    const env = powernv("ioda2", { drivers: { [DEV]: drv } });
    await breakAndRecover(env);
    const pe = { phbId: 0, pe: env.m.peOf(DEV).pe };
    const steps = env.core.events.filter((e) => e.pe?.pe === pe.pe).map((e) => e.step);
    expect(steps).toEqual(["detected", "queued", "recovering", "freeze-count", "driver", "aggregate", "log", "reset", "thaw", "thaw", "driver", "aggregate", "recovered"]);
    expect(env.core.events.find((e) => e.step === "driver")).toMatchObject({ pe, device: DEV, result: "need reset", detail: "mlx5_core->error_detected" });
    expect(env.core.events.find((e) => e.step === "reset")).toMatchObject({ result: "0", detail: "hot reset, attempt 1" });
  });
});
