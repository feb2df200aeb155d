// EEH recovery, read top to bottom as the procedure it implements (linux-eeh.md §3.3–§3.5,
// §3.9): eeh_handle_normal_event lists its steps in order; each driver pass goes through
// one reporting function; results merge through one priority table (driver.ts).

import { EEH_PE_ISOLATED, EEH_PE_KEEP, EEH_PE_PRI_BUS, EEH_PE_RECOVERING, EEH_PE_REMOVED, EEH_PE_VF } from "../ioda/pe/pe-flags.js";
import {
  EEH_LOG_PERM,
  EEH_LOG_TEMP,
  EEH_NEXT_ERR_DEAD_IOC,
  EEH_NEXT_ERR_DEAD_PHB,
  EEH_NEXT_ERR_FENCED_PHB,
  EEH_NEXT_ERR_FROZEN_PE,
  EEH_NEXT_ERR_NONE,
  EEH_OPT_THAW_DMA,
  EEH_OPT_THAW_MMIO,
  EEH_STATE_NOT_SUPPORT,
  EIO,
  type EehPeRef,
} from "../platform/eeh-ops.js";
import {
  CHANNEL_NAMES,
  PCI_ERS_RESULT_CAN_RECOVER,
  PCI_ERS_RESULT_DISCONNECT,
  PCI_ERS_RESULT_NEED_RESET,
  PCI_ERS_RESULT_NONE,
  PCI_ERS_RESULT_RECOVERED,
  eehAware,
  mergeResult,
  pci_channel_io_frozen,
  pci_channel_io_normal,
  pci_channel_io_perm_failure,
  resultName,
  type ChannelState,
  type DeviceHandle,
  type PciErsResult,
} from "./driver.js";
import { EEH_DEV_DISCONNECTED, EEH_DEV_IRQ_DISABLED, EEH_DEV_NO_HANDLER, EEH_DEV_REMOVED, type EehDevice } from "./eeh-dev.js";
import type { EehCore } from "./eeh-core.js";

/** MAX_WAIT_FOR_RECOVERY (300 s) for wait_state in the normal event. */
const MAX_WAIT_FOR_RECOVERY_MS = 300_000;
/** Sleep before re-adding hot-removed devices. */
const HOTPLUG_SETTLE_MS = 5000;
const FREEZE_WINDOW_S = 3600;

function handle(d: EehDevice): DeviceHandle {
  return { address: d.address, phbId: d.phbId, rid: d.rid };
}

function devPrefix(d: EehDevice): string {
  return `PCI ${d.address}#${d.pe.toString(16).padStart(4, "0")}: EEH: `;
}

type Pass = "error_detected" | "mmio_enabled" | "slot_reset" | "resume";

/**
 * eeh_pe_report: one pass over every device of the subtree, with the per-device checks of
 * §3.3 and the "Beginning"/"Finished" bracket. Returns the merged result (resume: none).
 */
function report(core: EehCore, pe: EehPeRef, pass: Pass, state: ChannelState | undefined, start: PciErsResult): PciErsResult {
  const name = pass === "error_detected" ? `error_detected(${CHANNEL_NAMES[state!]})` : pass;
  const ctx = { phb: pe.phbId, pe: pe.pe };
  core.log.line("info", `EEH: Beginning: '${name}'`, ctx);
  let result = start;
  for (const d of core.devicesOf(pe)) {
    if (d.bridge) continue;
    const p = devPrefix(d);
    if (!d.present) {
      core.log.line("info", `${p}no device`, ctx);
      continue;
    }
    const passed = core.isPassed({ phbId: d.phbId, pe: d.pe });
    if (d.channel === pci_channel_io_perm_failure || d.mode & EEH_DEV_REMOVED || passed) {
      core.log.line("info", `${p}not actionable (${d.channel === pci_channel_io_perm_failure ? 1 : 0},${d.mode & EEH_DEV_REMOVED ? 1 : 0},${passed ? 1 : 0})`, ctx);
      continue;
    }
    const drv = d.driver;
    if (!drv) {
      core.log.line("info", `${p}no driver`, ctx);
      continue;
    }
    if (!eehAware(drv)) {
      core.log.line("info", `${p}driver not EEH aware`, ctx);
      continue;
    }
    if (d.mode & EEH_DEV_NO_HANDLER) {
      core.log.line("info", `${p}driver bound too late`, ctx);
      continue;
    }
    let r: PciErsResult | undefined;
    switch (pass) {
      case "error_detected":
        d.channel = state!;
        d.inError = true;
        if (!drv.errorDetected) continue;
        core.log.line("info", `${p}Invoking ${drv.name}->error_detected(${CHANNEL_NAMES[state!]})`, ctx);
        r = drv.errorDetected(handle(d), state!);
        break;
      case "mmio_enabled":
        if (!drv.mmioEnabled) continue;
        core.log.line("info", `${p}Invoking ${drv.name}->mmio_enabled()`, ctx);
        r = drv.mmioEnabled(handle(d));
        break;
      case "slot_reset":
        if (!drv.slotReset || !d.inError) continue;
        core.log.line("info", `${p}Invoking ${drv.name}->slot_reset()`, ctx);
        r = drv.slotReset(handle(d));
        break;
      case "resume":
        if (!drv.resume || !d.inError) continue;
        core.log.line("info", `${p}Invoking ${drv.name}->resume()`, ctx);
        drv.resume(handle(d));
        continue;
    }
    core.log.line("info", `${p}${drv.name} driver reports: '${resultName(r)}'`, ctx);
    core.emit("driver", pe, { device: d.address, result: resultName(r), detail: `${drv.name}->${pass}` });
    result = mergeResult(result, r);
  }
  if (pass === "resume") core.log.line("info", `EEH: Finished:'${name}'`, ctx);
  else {
    core.log.line("info", `EEH: Finished:'${name}' with aggregate recovery state:'${resultName(result)}'`, ctx);
    core.emit("aggregate", pe, { result: resultName(result), detail: name });
  }
  return result;
}

function setChannel(core: EehCore, pe: EehPeRef, state: ChannelState): void {
  for (const d of core.devicesOf(pe)) if (d.present && !(d.mode & EEH_DEV_REMOVED)) d.channel = state;
}

function setIrqs(core: EehCore, pe: EehPeRef, enabled: boolean): void {
  for (const d of core.devicesOf(pe)) {
    if (enabled) d.mode &= ~EEH_DEV_IRQ_DISABLED;
    else if (d.present && d.driver) d.mode |= EEH_DEV_IRQ_DISABLED;
  }
}

/** eeh_pe_update_time_stamp (§1.8): a fixed one-hour window anchored at its first freeze. */
function updateTimeStamp(core: EehCore, pe: EehPeRef): void {
  const now = core.nowSeconds();
  core.updatePe(pe, (p) => {
    if (p.freezeCount <= 0) {
      p.freezeCount = 0;
      p.tstamp = now;
    } else if (now - p.tstamp > FREEZE_WINDOW_S) {
      p.tstamp = now;
      p.freezeCount = 0;
    }
  });
}

/** eeh_clear_pe_frozen_state: thaw every non-passed PE (3 tries each), then clear ISOLATED. */
async function clearFrozenState(core: EehCore, root: EehPeRef, includePassed: boolean): Promise<number> {
  for (const ref of core.subtree(root)) {
    if (!includePassed && core.isPassed(ref)) continue;
    let ok = false;
    for (let i = 0; i < 3 && !ok; i++) ok = (await core.unfreezePe(ref)) === 0;
    if (!ok) return -EIO;
  }
  core.stateClear(root, EEH_PE_ISOLATED, includePassed);
  return 0;
}

/**
 * eeh_reset_device (§3.5): remove what cannot take part, reset, restore, thaw, and re-add
 * hot-removed devices after the hotplug settle sleep. `aware`: some driver answered.
 */
async function resetDevice(core: EehCore, pe: EehPeRef, aware: boolean): Promise<number> {
  const passed = core.anyPassed(pe);
  const saved = { freezeCount: core.pe(pe).freezeCount, tstamp: core.pe(pe).tstamp };
  core.stateMark(pe, EEH_PE_KEEP);
  const removed: EehDevice[] = [];
  const vf = (core.pe(pe).type & EEH_PE_VF) !== 0;
  for (const d of core.devicesOf(pe)) {
    if (d.bridge || !d.present) continue;
    if (core.isPassed({ phbId: d.phbId, pe: d.pe })) continue;
    if (passed || aware || vf) {
      // Keep devices whose driver handles both error_detected and slot_reset.
      if (d.driver?.errorDetected && d.driver.slotReset) continue;
      if (d.driver) core.log.line("info", `EEH: Removing ${d.address} without EEH sensitive driver`, { phb: pe.phbId, pe: pe.pe });
    }
    d.mode |= EEH_DEV_DISCONNECTED;
    d.present = false;
    removed.push(d);
    core.emit("hotplug-remove", pe, { device: d.address });
  }
  const rc = await core.peResetFull(pe, false);
  if (rc) {
    core.stateClear(pe, EEH_PE_KEEP, true);
    return rc;
  }
  core.ops.configureBridge(pe);
  core.restoreBars(pe);
  const thaw = await clearFrozenState(core, pe, false);
  if (thaw) return thaw;
  if (!aware || removed.length > 0) {
    core.log.line("info", `EEH: Sleep 5s ahead of ${aware ? "partial" : "complete"} hotplug`, { phb: pe.phbId, pe: pe.pe });
    await core.clock.sleep(HOTPLUG_SETTLE_MS);
    for (const d of removed) {
      d.mode &= ~EEH_DEV_DISCONNECTED;
      d.present = true;
      d.inError = false;
      d.channel = pci_channel_io_normal;
      // The re-probed driver bound after the error: it sits out this round.
      if (d.driver && aware) d.mode |= EEH_DEV_NO_HANDLER;
      core.emit("hotplug-add", pe, { device: d.address });
    }
    core.restoreBars(pe);
  }
  core.stateClear(pe, EEH_PE_KEEP, true);
  core.updatePe(pe, (p) => {
    p.freezeCount = saved.freezeCount;
    p.tstamp = saved.tstamp;
  });
  return 0;
}

/** eeh_handle_normal_event (§3.4), step by step. */
export async function handleNormalEvent(core: EehCore, pe: EehPeRef, trace: readonly string[]): Promise<void> {
  const ctx = { phb: pe.phbId, pe: pe.pe };
  const name = core.peName(pe);
  const isPhbPe = pe.pe === "phb";
  const devices = core.devicesOf(pe);
  const finish = (outcome: "recovered" | "failed" | "none"): void => {
    core.outcomes.push({ time: core.clock.now(), pe, outcome, freezeCount: core.pe(pe).freezeCount });
    if (outcome !== "none") core.emit(outcome, pe, { result: outcome });
  };
  const failed = async (): Promise<void> => {
    core.log.line("err", `EEH: Unable to recover from failure from ${name}.`, ctx);
    core.log.line("err", "Please try reseating or replacing it", ctx);
    core.slotErrorDetail(pe, EEH_LOG_PERM);
    setIrqs(core, pe, false);
    report(core, pe, "error_detected", pci_channel_io_perm_failure, PCI_ERS_RESULT_NONE);
    setChannel(core, pe, pci_channel_io_perm_failure);
    core.stateMark(pe, EEH_PE_REMOVED);
    for (const d of core.devicesOf(pe)) {
      d.mode |= EEH_DEV_REMOVED;
      if (!d.bridge) d.present = false;
    }
    core.stateClear(pe, EEH_PE_PRI_BUS, true);
    finish("failed");
  };

  // 1–2. The PE's bus and its present devices.
  if (!devices.some((d) => d.present && !d.bridge) && !isPhbPe) {
    core.log.line("warn", `EEH: Frozen ${name} is empty!`, ctx);
    await failed();
    return;
  }
  core.emit("recovering", pe);
  // 3. Log where.
  if (isPhbPe) {
    core.log.line("err", `EEH: Recovering PHB#${core.phbNumber(pe.phbId)}, location: ${core.machine.phbLayout(pe.phbId).spec.location ?? "N/A"}`, ctx);
  } else {
    core.log.line("err", `EEH: Recovering ${name}`, ctx);
    const first = devices.find((d) => !d.bridge) ?? devices[0];
    core.log.line("err", `EEH: PE location: ${first ? core.locationOf(first) : "N/A"}, PHB location: ${core.machine.phbLayout(pe.phbId).spec.location ?? "N/A"}`, ctx);
  }
  // 4. The saved stack trace.
  if (trace.length > 0) {
    core.log.line("err", `EEH: Frozen ${name} detected`, ctx);
    core.log.line("err", "EEH: Call Trace:", ctx);
    for (const t of trace) core.log.line("err", `EEH: [eeh-emu] ${t}`, ctx);
  }
  // 5. Clear NO_HANDLER.
  for (const d of devices) d.mode &= ~EEH_DEV_NO_HANDLER;
  // 6. The freeze limit.
  updateTimeStamp(core, pe);
  core.updatePe(pe, (p) => void p.freezeCount++);
  const count = core.pe(pe).freezeCount;
  core.emit("freeze-count", pe, { result: String(count), detail: `max ${core.maxFreezes}` });
  if (count > core.maxFreezes) {
    core.log.line("err", `EEH: ${name} has failed ${count} times in the last hour and has been permanently disabled.`, ctx);
    await failed();
    return;
  }
  // 7. Tell the drivers.
  core.log.line("warn", `EEH: This PCI device has failed ${count} times in the last hour and will be permanently disabled after ${core.maxFreezes} failures.`, ctx);
  core.log.line("info", "EEH: Notify device drivers to shutdown", ctx);
  setChannel(core, pe, pci_channel_io_frozen);
  setIrqs(core, pe, false);
  let r = report(core, pe, "error_detected", pci_channel_io_frozen, PCI_ERS_RESULT_NONE);
  // 8.
  if (r === PCI_ERS_RESULT_DISCONNECT) {
    await failed();
    return;
  }
  // 9. A PHB error is a fence: it needs a full reset.
  if (isPhbPe && r !== PCI_ERS_RESULT_NONE) r = PCI_ERS_RESULT_NEED_RESET;
  // 10. Wait for the PE.
  const st = await core.waitState(pe, MAX_WAIT_FOR_RECOVERY_MS);
  if (st < 0 || st === EEH_STATE_NOT_SUPPORT) {
    core.log.line("warn", "EEH: Permanent failure", ctx);
    await failed();
    return;
  }
  // 11. The temporary log.
  core.log.line("info", "EEH: Collect temporary log", ctx);
  core.slotErrorDetail(pe, EEH_LOG_TEMP);
  // 12. Nobody answered: full hotplug reset.
  if (r === PCI_ERS_RESULT_NONE) {
    core.log.line("info", "EEH: Reset with hotplug activity", ctx);
    const rc = await resetDevice(core, pe, false);
    if (rc) {
      core.log.line("warn", `eeh_handle_normal_event: Unable to reset, err=${rc}`, ctx);
      await failed();
      return;
    }
  }
  // 13. Drivers can recover: let MMIO through.
  if (r === PCI_ERS_RESULT_CAN_RECOVER) {
    core.log.line("info", "EEH: Enable I/O for affected devices", ctx);
    const rc = await core.pciEnable(pe, EEH_OPT_THAW_MMIO);
    if (rc < 0) {
      await failed();
      return;
    }
    if (rc > 0) r = PCI_ERS_RESULT_NEED_RESET;
    else {
      core.log.line("info", "EEH: Notify device drivers to resume I/O", ctx);
      r = report(core, pe, "mmio_enabled", undefined, r);
    }
  }
  // 14. Then DMA.
  if (r === PCI_ERS_RESULT_CAN_RECOVER) {
    core.log.line("info", "EEH: Enabled DMA for affected devices", ctx);
    const rc = await core.pciEnable(pe, EEH_OPT_THAW_DMA);
    if (rc < 0) {
      await failed();
      return;
    }
    if (rc > 0) r = PCI_ERS_RESULT_NEED_RESET;
    else {
      core.stateClear(pe, EEH_PE_ISOLATED, true);
      r = PCI_ERS_RESULT_RECOVERED;
    }
  }
  // 15. A reset the drivers take part in.
  if (r === PCI_ERS_RESULT_NEED_RESET) {
    core.log.line("info", "EEH: Reset without hotplug activity", ctx);
    const rc = await resetDevice(core, pe, true);
    if (rc) {
      core.log.line("warn", `eeh_handle_normal_event: Cannot reset, err=${rc}`, ctx);
      await failed();
      return;
    }
    r = PCI_ERS_RESULT_NONE;
    setChannel(core, pe, pci_channel_io_normal);
    setIrqs(core, pe, true);
    r = report(core, pe, "slot_reset", undefined, r);
  }
  // 16. Resume.
  if (r === PCI_ERS_RESULT_RECOVERED || r === PCI_ERS_RESULT_NONE) {
    core.log.line("info", "EEH: Notify device driver to resume", ctx);
    setChannel(core, pe, pci_channel_io_normal);
    setIrqs(core, pe, true);
    report(core, pe, "resume", undefined, PCI_ERS_RESULT_NONE);
    for (const d of core.devicesOf(pe)) {
      d.mode &= ~EEH_DEV_NO_HANDLER;
      d.inError = false;
    }
    core.log.line("info", "EEH: Recovery successful.", ctx);
    core.stateClear(pe, EEH_PE_RECOVERING, true);
    finish("recovered");
    return;
  }
  // 17. Anything else failed (a second NEED_RESET does not reset again).
  await failed();
}

/** eeh_handle_special_event (§3.9): PHB-wide errors found by next_error (PowerNV). */
export async function handleSpecialEvent(core: EehCore): Promise<void> {
  const next = core.ops.nextError;
  if (!next) return;
  for (;;) {
    const r = next.call(core.ops, (pe: EehPeRef) => core.isPassed(pe));
    if (r.result === EEH_NEXT_ERR_NONE) {
      core.irqMasked = false;
      return;
    }
    if (r.result === EEH_NEXT_ERR_DEAD_IOC || r.result === EEH_NEXT_ERR_DEAD_PHB) {
      const pe = r.pe!;
      core.removeEvent(r.result === EEH_NEXT_ERR_DEAD_IOC ? null : { phbId: pe.phbId, pe: "phb" }, true);
      core.markIsolated({ phbId: pe.phbId, pe: "phb" });
      for (const d of core.devicesOf({ phbId: pe.phbId, pe: "phb" })) {
        d.mode &= ~EEH_DEV_NO_HANDLER;
      }
      const phbPe: EehPeRef = { phbId: pe.phbId, pe: "phb" };
      report(core, phbPe, "error_detected", pci_channel_io_perm_failure, PCI_ERS_RESULT_NONE);
      setChannel(core, phbPe, pci_channel_io_perm_failure);
      core.stateMark(phbPe, EEH_PE_REMOVED);
      for (const d of core.devicesOf(phbPe)) {
        d.mode |= EEH_DEV_REMOVED;
        d.present = false;
      }
      core.outcomes.push({ time: core.clock.now(), pe: phbPe, outcome: "failed", freezeCount: core.pe(phbPe).freezeCount });
      core.emit("failed", phbPe, { result: "failed", detail: r.result === EEH_NEXT_ERR_DEAD_IOC ? "dead IOC" : "dead PHB" });
      if (r.result === EEH_NEXT_ERR_DEAD_IOC) return;
      continue;
    }
    if (r.result === EEH_NEXT_ERR_FROZEN_PE || r.result === EEH_NEXT_ERR_FENCED_PHB) {
      const pe = r.pe!;
      core.removeEvent(pe, true);
      core.stateMark(pe, EEH_PE_RECOVERING);
      core.markIsolated(pe);
      await handleNormalEvent(core, pe, []);
      continue;
    }
    core.log.line("warn", `eeh_handle_special_event: Invalid value ${r.result} from next_error()`);
    return;
  }
}

