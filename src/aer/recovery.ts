// pcie_do_recovery (err.c) and aer_root_reset (aer.c), read top to bottom as aer-xen.md §3
// lists the steps: scope ("bridge"), error_detected broadcast (frozen: then the link reset),
// mmio_enabled if CAN_RECOVER, slot_reset if NEED_RESET, resume if RECOVERED, status
// cleanup, "device recovery successful" / "failed". Votes merge through AER's own table
// (merge.ts) — not EEH's priority rule.
//
// Emulator choices: Runtime-PM get/put is not modelled. Ports bound to "pcieport" cast no
// vote (the spec's "bridges → NONE"); give a port an AerDriver to make it vote. The host is
// OS-owned ("native") AER, so the root-port interrupt masking and status clearing always run.

import {
  PCI_ERS_RESULT_CAN_RECOVER,
  PCI_ERS_RESULT_DISCONNECT,
  PCI_ERS_RESULT_NEED_RESET,
  PCI_ERS_RESULT_NONE,
  PCI_ERS_RESULT_NO_AER_DRIVER,
  PCI_ERS_RESULT_RECOVERED,
  pci_channel_io_frozen,
  pci_channel_io_normal,
  pci_channel_io_perm_failure,
  resultName,
  type ChannelState,
  type PciErsResult,
} from "../eeh/driver.js";
import { resetBelow } from "../ioda/faults.js";
import { EehError } from "../core/errors.js";
import { PCI_ERR_UNCOR_SEVER, PCI_ERR_UNCOR_STATUS, PCI_EXP_TYPE_DOWNSTREAM, PCI_EXP_TYPE_RC_EC, PCI_EXP_TYPE_RC_END, PCI_EXP_TYPE_ROOT_PORT } from "../pci/regs.js";
import { isBridgeKind } from "../pci/topology.js";
import type { AerDevice, AerHost } from "./aer-host.js";
import { callbackLabel } from "./driver.js";
import { aerMergeResult, aerUevent, setIoState } from "./merge.js";
import { onRootBus, upstreamBridge, walkBridge } from "./pci-walk.js";
import { restorePciState, savePciState, type SavedPciState } from "./pci-state.js";

/** pci_reset_secondary_bus: Secondary Bus Reset is held asserted for 2 ms. */
export const PCI_SBR_ASSERT_MS = 2;
/** pci_bridge_wait_for_secondary_bus: after the link is up, wait PCI_PM_D3COLD_WAIT (100 ms). */
export const PCI_RESET_SETTLE_MS = 100;
/** How long the wait polls for Data Link Layer Link Active before giving up (-ENOTTY). */
export const PCIE_LINK_WAIT_MS = 1000;
export const ENOTTY = 25;

export interface RecoveryResult {
  /** Virtual time the recovery started and ended (ms). */
  readonly start: number;
  readonly end: number;
  /** The device that detected the error, and the port recovery ran under. */
  readonly device: string;
  readonly bridge: string;
  readonly severity: "fatal" | "nonfatal";
  /** The merged status pcie_do_recovery returned. */
  readonly status: PciErsResult;
  readonly outcome: "recovered" | "failed";
  /** rc of the link reset (fatal errors only). */
  readonly resetRc?: number;
}

type Pass = "error_detected" | "mmio_enabled" | "slot_reset" | "resume";

/** pcie_do_recovery(dev, state, aer_root_reset). */
export async function pcieDoRecovery(host: AerHost, dev: AerDevice, severity: "fatal" | "nonfatal"): Promise<RecoveryResult> {
  const start = host.clock.now();
  const state: ChannelState = severity === "fatal" ? pci_channel_io_frozen : pci_channel_io_normal;
  const pl = host.machine.phbLayout(dev.phbId);

  // 1. Scope: ports, RCECs and RCiEPs recover themselves and what is below; others recover
  //    under their upstream bridge.
  const type = host.pcieTypeOf(dev);
  const selfScoped = type === PCI_EXP_TYPE_ROOT_PORT || type === PCI_EXP_TYPE_DOWNSTREAM || type === PCI_EXP_TYPE_RC_EC || type === PCI_EXP_TYPE_RC_END;
  const bridge = (selfScoped ? dev : host.deviceByRid(dev.phbId, upstreamBridge(pl, dev.rid) ?? dev.rid)) ?? dev;
  const walk = walkBridge(pl, bridge.rid)
    .map((rid) => host.deviceByRid(dev.phbId, rid))
    .filter((d): d is AerDevice => d !== undefined);
  const done = (status: PciErsResult, outcome: "recovered" | "failed", resetRc?: number): RecoveryResult => {
    host.emit(outcome, { device: bridge.address, severity, result: resultName(status) });
    return { start, end: host.clock.now(), device: dev.address, bridge: bridge.address, severity, status, outcome, ...(resetRc !== undefined ? { resetRc } : {}) };
  };

  // 2.–3. error_detected broadcast; a frozen error resets the link right after it.
  let status: PciErsResult = PCI_ERS_RESULT_CAN_RECOVER;
  host.devLine(bridge, "debug", "AER: broadcast error_detected message");
  for (const d of walk) status = aerMergeResult(status, await reportErrorDetected(host, d, state));
  let resetRc: number | undefined;
  if (state === pci_channel_io_frozen) {
    resetRc = await aerRootReset(host, bridge);
    if (resetRc !== 0) {
      host.print(bridge, { kind: "reset-failed" }, "warn");
      return failed(host, bridge, done, status, resetRc);
    }
  }

  // 4. CAN_RECOVER → RECOVERED, then mmio_enabled.
  if (status === PCI_ERS_RESULT_CAN_RECOVER) {
    status = PCI_ERS_RESULT_RECOVERED;
    host.devLine(bridge, "debug", "AER: broadcast mmio_enabled message");
    for (const d of walk) status = await report(host, d, "mmio_enabled", status);
  }
  // 5. NEED_RESET → RECOVERED, then slot_reset (no further hardware reset: err.c's TODO).
  if (status === PCI_ERS_RESULT_NEED_RESET) {
    status = PCI_ERS_RESULT_RECOVERED;
    host.devLine(bridge, "debug", "AER: broadcast slot_reset message");
    for (const d of walk) status = await report(host, d, "slot_reset", status);
  }
  // 6.
  if (status !== PCI_ERS_RESULT_RECOVERED) return failed(host, bridge, done, status, resetRc);

  // 7. resume: channel back to normal, a "recovered" uevent for every device.
  host.devLine(bridge, "debug", "AER: broadcast resume message");
  for (const d of walk) await reportResume(host, d);

  // 8. The OS owns AER: clear DEVSTA and the non-fatal UE status bits of the detecting device.
  host.clearDeviceStatus(dev);
  clearNonfatalStatus(host, dev);
  host.print(bridge, { kind: "recovery-successful" }, "info");
  return done(status, "recovered", resetRc);
}

/** 9. *failed*: a DISCONNECT uevent on the bridge only, "device recovery failed". */
function failed(host: AerHost, bridge: AerDevice, done: (s: PciErsResult, o: "failed", rc?: number) => RecoveryResult, status: PciErsResult, resetRc: number | undefined): RecoveryResult {
  uevent(host, bridge, PCI_ERS_RESULT_DISCONNECT);
  host.print(bridge, { kind: "recovery-failed" }, "info");
  return done(status, "failed", resetRc);
}

function uevent(host: AerHost, d: AerDevice, vote: PciErsResult): void {
  const u = aerUevent(vote);
  if (u) host.emit("uevent", { device: d.address, result: u.event, detail: `ERROR_EVENT=${u.event} DEVICE_ONLINE=${u.online}` });
}

/** report_error_detected: one device's vote (device lock held). */
async function reportErrorDetected(host: AerHost, d: AerDevice, state: ChannelState): Promise<PciErsResult> {
  let vote: PciErsResult;
  const drv = d.driver;
  if (d.errorState === pci_channel_io_perm_failure) {
    vote = PCI_ERS_RESULT_DISCONNECT; // pci_dev_is_disconnected
  } else {
    const t = setIoState(d.errorState, state);
    if (!t.ok) {
      host.print(d, { kind: "cant-recover-transition", from: d.errorState, to: state }, "info");
      vote = PCI_ERS_RESULT_NONE;
    } else {
      d.errorState = t.state;
      if (!drv?.errorDetected) {
        if (!isBridgeKind(d.kind)) {
          vote = PCI_ERS_RESULT_NO_AER_DRIVER;
          host.print(d, { kind: "cant-recover-no-callback" }, "info");
        } else vote = PCI_ERS_RESULT_NONE;
      } else {
        vote = await drv.errorDetected(host.handle(d), state);
        host.emit("driver", { device: d.address, result: resultName(vote), detail: `${drv.name}->${callbackLabel("error_detected", state)}` });
      }
    }
  }
  uevent(host, d, vote);
  return vote;
}

/** report_mmio_enabled / report_slot_reset: only drivers that implement the callback vote. */
async function report(host: AerHost, d: AerDevice, pass: Exclude<Pass, "error_detected" | "resume">, status: PciErsResult): Promise<PciErsResult> {
  const drv = d.driver;
  const cb = pass === "mmio_enabled" ? drv?.mmioEnabled : drv?.slotReset;
  if (!drv || !cb) return status;
  const vote = await cb.call(drv, host.handle(d));
  host.emit("driver", { device: d.address, result: resultName(vote), detail: `${drv.name}->${pass}` });
  return aerMergeResult(status, vote);
}

/** report_resume: channel normal, resume() if present, a "recovered" uevent regardless. */
async function reportResume(host: AerHost, d: AerDevice): Promise<void> {
  const t = setIoState(d.errorState, pci_channel_io_normal);
  if (t.ok) d.errorState = t.state;
  const drv = d.driver;
  if (t.ok && drv?.resume) {
    await drv.resume(host.handle(d));
    host.emit("driver", { device: d.address, detail: `${drv.name}->resume` });
  }
  uevent(host, d, PCI_ERS_RESULT_RECOVERED);
}

/** pci_aer_clear_nonfatal_status: write back status & ~severity (W1C). */
function clearNonfatalStatus(host: AerHost, d: AerDevice): void {
  const aer = host.aerOf(d.address);
  if (!aer) return;
  const status = host.machine.configRead(d.address, aer + PCI_ERR_UNCOR_STATUS, 4);
  const sev = host.machine.configRead(d.address, aer + PCI_ERR_UNCOR_SEVER, 4);
  const clear = (status & ~sev) >>> 0;
  if (clear) host.machine.configWrite(d.address, aer + PCI_ERR_UNCOR_STATUS, 4, clear);
}

/**
 * aer_root_reset(bridge): mask the root port's AER interrupts, reset the link below the
 * bridge (pci_bus_error_reset; or the host's `linkReset` hook), print "<Root|Downstream>
 * Port link has been reset (rc)", clear ROOT_STATUS and unmask. Returns rc (0 = RECOVERED).
 */
export async function aerRootReset(host: AerHost, bridge: AerDevice): Promise<number> {
  const root = host.rootPortOf(bridge);
  if (root) host.setRootInterrupts(root, false);
  const hook = host.options.linkReset;
  const rc = hook ? await hook(bridge.address) : await pciBusErrorReset(host, bridge);
  host.print(bridge, { kind: "link-reset", port: onRootBus(bridge.rid) ? "Root" : "Downstream", rc }, "info");
  host.emit("reset", { device: bridge.address, result: String(rc), detail: "secondary bus reset" });
  if (root) {
    host.clearRootStatus(root);
    host.setRootInterrupts(root, true);
  }
  return rc;
}

/**
 * pci_bus_error_reset → pci_bus_reset: save every device below, Secondary Bus Reset (held
 * PCI_SBR_ASSERT_MS), wait for the link (PCI_RESET_SETTLE_MS once it is up; -ENOTTY after
 * PCIE_LINK_WAIT_MS when it never comes up), restore.
 */
export async function pciBusErrorReset(host: AerHost, bridge: AerDevice): Promise<number> {
  const m = host.machine;
  const pl = m.phbLayout(bridge.phbId);
  const below = walkBridge(pl, bridge.rid).filter((rid) => rid !== bridge.rid);
  const saved = below.map((rid) => {
    const d = host.deviceByRid(bridge.phbId, rid)!;
    const spec = pl.fnByRid.get(rid)!;
    const live = savePciState(m, d.domain, rid, host.aerOf(d.address), isBridgeKind(spec.kind), spec.kind === "root-port");
    // A device behind a dead link reads all ones: fall back to the state saved at probe.
    return allOnes(live) ? (host.savedState.get(d.address) ?? live) : live;
  });
  await host.clock.sleep(PCI_SBR_ASSERT_MS, "sbr-assert");
  try {
    resetBelow(m, bridge.address);
  } catch (e) {
    if (e instanceof EehError) return -ENOTTY;
    throw e;
  }
  const up = m.phbState(bridge.phbId).functions[bridge.rid]?.linkUp ?? false;
  if (!up) {
    await host.clock.sleep(PCIE_LINK_WAIT_MS, "link-wait");
    host.devLine(bridge, "info", `Data Link Layer Link Active not set in ${PCIE_LINK_WAIT_MS} msec`);
    return -ENOTTY;
  }
  await host.clock.sleep(PCI_RESET_SETTLE_MS, "sbr-settle");
  for (const s of saved) if (!allOnes(s)) restorePciState(m, s);
  return 0;
}

function allOnes(s: SavedPciState): boolean {
  return s.regs.every(([, size, v]) => v === (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff));
}

