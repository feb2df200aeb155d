// eeh_handle_special_event must not spin on a PE that recovery already gave up on.
//
// Found by the property kit: on an IODA1 PHB with a switch below a switch, a permanent
// link loss below 0000:04:00.0 freezes the bus PE#7a (and PE#78, PE#79 under it). The
// reset works (the link loss only shows later), but the drivers answer slot_reset with
// "disconnect", so PE#7a fails after it was thawed: its subtree is REMOVED but no longer
// ISOLATED, and eeh_pe_mark_isolated skips REMOVED PEs. A bad DMA by the removed
// 0000:06:00.0 then freezes PE#78 in hardware; next_error named it, the core failed it at
// once ("Frozen PE is empty"), nothing thawed or isolated it, and next_error named it
// again — for ever, on microtasks only, so no timer could stop it. Linux frees a PE with
// its last hot-removed device, so next_error clears it as a non-existing PE.
//
// Both tests bound the number of EEH steps, so a regression fails instead of hanging.

import { describe, expect, it } from "vitest";
import { scriptedDriver, type PciDriver } from "../../src/eeh/driver.js";
import { EehCore as EehCoreClass, type EehCore } from "../../src/eeh/eeh-core.js";
import { ClockError } from "../../src/core/errors.js";
import { handleSpecialEvent } from "../../src/eeh/recovery.js";
import { EEH_PE_ISOLATED, EEH_PE_REMOVED } from "../../src/ioda/pe/pe-flags.js";
import { MachineBuilder } from "../../src/pci/builder.js";
import * as O from "../../src/platform/powernv/opal-api.js";
import type { PnvEehOps } from "../../src/platform/powernv/pnv-eeh-ops.js";
import { applyFault, createHost, runDriverCase, type Fault } from "../../src/scenario/testing/index.js";
import { ClockPump } from "../../src/scenario/host.js";

// PHB#0 ioda1: 00:00.0 root port; 01:00.0 sw0 upstream; 02:00.0 → sw1 (03:00.0), whose
// internal bus 4 (PE#7a) has 04:00.0 → 05:00.0 (PE#79) and 04:01.0 → 06:00.0 (PE#78);
// 02:01.0 → 07:00.0.
const MACHINE = new MachineBuilder()
  .phb({ model: "ioda1" }, (root) =>
    root.switch({ downstreamPorts: 2 }, (ports) => {
      ports[0]!.switch({ downstreamPorts: 2 }, (inner) => {
        inner[0]!.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] });
        inner[1]!.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] });
      });
      ports[1]!.endpoint({ bars: [{ type: "mem32", size: 0x10000 }] });
    }),
  )
  .build();

const LINK_LOSS: Fault = { kind: "link-down", port: "0000:04:00.0", permanent: true, at: 0 };
const BAD_DMA: Fault = { kind: "bad-dma", device: "0000:06:00.0", page: 0, dir: "write", at: 3053 };
const BUS_PE = 0x7a;
const DMA_PE = 0x78;

/** Asks for a reset, then gives up on its device after it. */
const givesUpAfterReset = (): PciDriver => scriptedDriver("quitter", { errorDetected: "need reset", slotReset: "disconnect" });

/**
 * One next_error round takes a few dozen steps; a loop takes them without end. Below the
 * kit's own watchdog (10 000 steps at one instant), so this bound is the one that fires.
 */
const MAX_STEPS = 5_000;

/** Make the core throw once it has taken more than MAX_STEPS steps since this call. */
function boundSteps(core: EehCore): void {
  const emit = core.emit.bind(core);
  let steps = 0;
  core.emit = (step, pe, fields) => {
    if (++steps > MAX_STEPS) throw new Error(`more than ${MAX_STEPS} EEH steps (last: ${step}${pe ? ` ${core.peName(pe)}` : ""}): eeh_handle_special_event loops`);
    emit(step, pe, fields);
  };
}

describe("eeh_handle_special_event on a PE whose recovery failed", () => {
  it("the property kit's case: the removed device's bad DMA ends, with the frozen PE cleared as non-existing", async () => {
    // The kit's ClockPump throws after 10 000 steps at one virtual instant: a loop fails the run.
    const run = await runDriverCase({ platform: "powernv", machine: MACHINE, faults: [LINK_LOSS, BAD_DMA] }, { driver: givesUpAfterReset });
    expect(run.error).toBeUndefined();
    const { core, log, ops } = run.host;
    const failed = core.events.filter((e) => e.step === "failed").map((e) => `${e.time} ${core.peName(e.pe!)}`);
    expect(failed).toEqual([`3052 PHB#0-PE#${BUS_PE.toString(16)}`]);
    const lines = log.records.filter((r) => r.time === BAD_DMA.at).map((r) => r.line);
    expect(lines).toContain(`EEH: Clear non-existing PHB#0-PE#${DMA_PE.toString(16)}`);
    expect(lines.some((l) => /Frozen PE#78/.test(l))).toBe(false);
    expect((ops as PnvEehOps).opal.eehFreezeStatus(0, DMA_PE).freezeState).toBe(O.OPAL_EEH_STOPPED_NOT_FROZEN);
    expect(core.irqMasked).toBe(false);
    expect(run.devices.map((d) => `${d.address} ${d.status}`)).toEqual(["0000:05:00.0 failed", "0000:06:00.0 failed", "0000:07:00.0 in service"]);
  });

  it("next_error names a frozen REMOVED PE at most once: handleSpecialEvent returns, the freeze is cleared", async () => {
    const host = createHost(MACHINE, "powernv", { drivers: { "0000:05:00.0": givesUpAfterReset(), "0000:06:00.0": givesUpAfterReset() } });
    const { core, machine: m, log } = host;
    const ops = host.ops as PnvEehOps;
    const tree = () => m.phbState(0).peTree;
    // The link loss and its recovery, which fails after the reset thawed the PEs.
    const pump = new ClockPump(host);
    applyFault(m, LINK_LOSS);
    await pump.runUntilIdle(600_000);
    expect(pump.error).toBeUndefined();
    for (const pe of [BUS_PE, DMA_PE]) {
      expect(tree().pes[pe]!.state & EEH_PE_REMOVED).toBe(EEH_PE_REMOVED);
      expect(tree().pes[pe]!.state & EEH_PE_ISOLATED).toBe(0); // thawed before the failure: cannot be isolated again
    }
    // The removed device DMAs anyway: PE#78 freezes in hardware.
    expect(applyFault(m, BAD_DMA).effect).toBe(`froze PHB#0-PE#${DMA_PE.toString(16)} (dma-tce-page-fault)`);
    boundSteps(core);
    const before = core.events.length;
    await expect(handleSpecialEvent(core)).resolves.toBeUndefined();
    expect(core.events.slice(before).filter((e) => e.step === "failed" || e.step === "recovering")).toEqual([]);
    expect(log.records.map((r) => r.line)).toContain(`EEH: Clear non-existing PHB#0-PE#${DMA_PE.toString(16)}`);
    expect(ops.opal.eehFreezeStatus(0, DMA_PE).freezeState).toBe(O.OPAL_EEH_STOPPED_NOT_FROZEN);
    expect(core.irqMasked).toBe(false);
    // OPAL has nothing left to report.
    expect(ops.nextError().result).toBe(0);
  });
});

describe("eeh_handle_special_event on a PHB whose recovery failed", () => {
  it("a PHB that dies after a failed fence recovery is reported dead once, not for ever", async () => {
    // The fence recovery's reset succeeds, then the driver gives up: the PHB PE is REMOVED
    // but not ISOLATED (a REMOVED PE cannot be marked isolated). next_error skips such a PHB.
    const one = new MachineBuilder().phb({ model: "ioda1" }, (root) => root.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] })).build();
    const faults: Fault[] = [
      { kind: "fence", phb: 0, at: 0 },
      { kind: "dead-phb", phb: 0, at: 3151 },
    ];
    const run = await runDriverCase({ platform: "powernv", machine: one, faults }, { driver: givesUpAfterReset });
    expect(run.error).toBeUndefined();
    const failed = run.host.core.events.filter((e) => e.step === "failed");
    expect(failed.length).toBeLessThanOrEqual(2);
    expect(run.devices.map((d) => d.status)).toEqual(["failed"]);
  });
});


describe("the EEH core's watchdog", () => {
  it("more than maxStepsPerInstant steps at one virtual instant is a ClockError; time passing resets the count", () => {
    const host = createHost(MACHINE, "powernv");
    const core = new EehCoreClass(host.machine, host.clock, host.ops, host.log, { maxStepsPerInstant: 100 });
    for (let i = 0; i < 100; i++) core.emit("thaw", { phbId: 0, pe: 0x7a });
    expect(() => core.emit("thaw", { phbId: 0, pe: 0x7a })).toThrow(ClockError);
    host.clock.advanceBy(1);
    expect(() => core.emit("thaw", { phbId: 0, pe: 0x7a })).not.toThrow();
  });
});
