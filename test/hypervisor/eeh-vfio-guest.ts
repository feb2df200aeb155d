// Test helper (not library code: DESIGN.md's layer check keeps hypervisor/ from importing its
// sibling vfio/, so the comparison runs the guest's recovery through the EEH core; this
// helper runs the same recovery over the real VFIO ownership model to check that the guest
// sees the same callbacks).
//
// A pSeries guest on a PowerNV host that owns a PE through VFIO (linux-eeh.md §5; aer-xen.md
// §3.1, §6 last point): on POWER the passthrough error path is EEH, not AER. The host's PHB
// freezes the PE; the host EEH core leaves a passed-through PE to its owner (src/vfio); the
// guest's own EEH core notices all ones on an MMIO read, asks the platform (RTAS, which QEMU
// turns into VFIO_EEH_PE_OP) and recovers with its driver — EEH's recovery order
// (linux-eeh.md §3.4) and EEH's priority merge (§3.2), here over the container's ops.
//
//   error_detected(IO frozen) → [DISCONNECT: fail] → wait while UNAVAIL → UNFREEZE_IO and
//   the temporary log (pSeries sets EEH_ENABLE_IO_FOR_LOG) → NONE: reset with hotplug
//   (the driver is not called again) | CAN_RECOVER: mmio_enabled, UNFREEZE_DMA →
//   RECOVERED | NEED_RESET: RESET_HOT, RESET_DEACTIVATE, CONFIGURE, slot_reset → resume
//   (RECOVERED/NONE) or fail: error_detected(permanent failure).
//
// Guest log lines use the guest's names: PHB#0 and the PE address QEMU gives it (the host
// PE number here). Detection waits for the guest driver's next MMIO read (`detectAfterMs`).

import type { VirtualClock } from "../../src/core/clock.js";
import { allOnes } from "../../src/core/bits.js";
import {
  CHANNEL_NAMES,
  PCI_ERS_RESULT_CAN_RECOVER,
  PCI_ERS_RESULT_DISCONNECT,
  PCI_ERS_RESULT_NEED_RESET,
  PCI_ERS_RESULT_NONE,
  PCI_ERS_RESULT_RECOVERED,
  mergeResult,
  pci_channel_io_frozen,
  pci_channel_io_perm_failure,
  resultName,
  type ChannelState,
  type DeviceHandle,
  type PciErsResult,
} from "../../src/eeh/driver.js";
import { HostLog } from "../../src/eeh/host-log.js";
import type { AerDriver } from "../../src/aer/driver.js";
import { EEH_LOG_TEMP } from "../../src/platform/eeh-ops.js";
import { formatPciAddress, parsePciAddress } from "../../src/pci/address.js";
import {
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_OP_NAMES,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_UNAVAIL,
  VFIO_EEH_PE_UNFREEZE_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
  type VfioContainer,
  type VfioHost,
} from "../../src/vfio/index.js";

/** Hotplug settle sleep of eeh_reset_device before re-adding removed devices (5 s). */
export const EEH_HOTPLUG_SETTLE_MS = 5000;
/** The wait QEMU's RTAS reports while the PE is unavailable, used as the poll period. */
export const GUEST_UNAVAIL_POLL_MS = 1000;
export const MAX_WAIT_FOR_RECOVERY_MS = 300_000;

export interface EehVfioGuestCall {
  readonly time: number;
  readonly callback: string;
  readonly result?: string;
}

export type EehVfioOutcome = "not-frozen" | "recovered" | "failed";

export interface EehVfioGuestOptions {
  /** The guest's driver of the device (none: no driver, the hotplug path). */
  readonly driver?: AerDriver;
}

export class EehVfioGuest {
  /** The guest kernel's log. */
  readonly log: HostLog;
  readonly calls: EehVfioGuestCall[] = [];
  /** VFIO_EEH_PE_OP calls the guest made, with their results. */
  readonly ops: { readonly time: number; readonly op: string; readonly rc: number }[] = [];
  container: VfioContainer | undefined;
  outcome: EehVfioOutcome | undefined;
  recoveredAt: number | undefined;
  private readonly address: string;

  constructor(
    readonly name: string,
    readonly vfio: VfioHost,
    address: string,
    readonly options: EehVfioGuestOptions = {},
  ) {
    this.address = formatPciAddress(parsePciAddress(address));
    this.log = new HostLog(vfio.core.clock);
  }

  get clock(): VirtualClock {
    return this.vfio.core.clock;
  }

  private peName(): string {
    const d = this.vfio.core.device(this.address);
    return `PHB#0-PE#${d.pe.toString(16)}`;
  }

  /** The guest starts: open a container, take the device's group, open the device (pass-through). */
  async attach(): Promise<number> {
    const c = this.vfio.openContainer(this.name);
    const g = this.vfio.groupOf(this.address);
    if (!g) return -19;
    const rc = c.addGroup(g.id);
    if (rc) return rc;
    const dev = await c.openDevice(this.address);
    if (typeof dev === "number") return dev;
    this.container = c;
    return 0;
  }

  private async op(n: number): Promise<number> {
    const rc = await this.container!.eehPeOp({ op: n });
    this.ops.push({ time: this.clock.now(), op: VFIO_EEH_PE_OP_NAMES[n] ?? `op ${n}`, rc });
    return rc;
  }

  private handle(): DeviceHandle {
    const d = this.vfio.core.device(this.address);
    return { address: "0000:00:00.0", phbId: 0, rid: d.rid };
  }

  /**
   * The guest driver reads its device (BAR 0 offset 0). All ones makes the guest's EEH
   * check the PE and, if it is frozen, recover it. Returns the outcome (undefined: the read
   * was fine).
   */
  async driverRead(): Promise<EehVfioOutcome | undefined> {
    const m = this.vfio.core.machine;
    const { phbId, rid } = m.locate(this.address);
    const bar = m.phbLayout(phbId).barsByRid.get(rid)?.[0];
    if (!bar) return undefined;
    const v = m.mmioLoad(bar.cpuStart, 4);
    if (v !== allOnes(4)) return undefined;
    return this.recover();
  }

  private async call(callback: string, f: (() => PciErsResult | Promise<PciErsResult>) | undefined): Promise<PciErsResult | undefined> {
    if (!f) return undefined;
    const r = await f();
    this.calls.push({ time: this.clock.now(), callback, result: resultName(r) });
    this.log.line("info", `EEH: ${this.options.driver?.name ?? "driver"} driver reports: '${resultName(r)}'`);
    return r;
  }

  private async report(pass: "error_detected" | "mmio_enabled" | "slot_reset", state: ChannelState | undefined, start: PciErsResult): Promise<PciErsResult> {
    const drv = this.options.driver;
    const h = this.handle();
    const label = pass === "error_detected" ? `error_detected(${CHANNEL_NAMES[state!]})` : pass;
    this.log.line("info", `EEH: Beginning: '${label}'`);
    const cb = pass === "error_detected" ? drv?.errorDetected : pass === "mmio_enabled" ? drv?.mmioEnabled : drv?.slotReset;
    const r = await this.call(label, cb ? () => (pass === "error_detected" ? drv!.errorDetected!(h, state!) : cb.call(drv, h, state!)) : undefined);
    const out = r === undefined ? start : mergeResult(start, r);
    this.log.line("info", `EEH: Finished:'${label}' with aggregate recovery state:'${resultName(out)}'`);
    return out;
  }

  /** eeh_handle_normal_event, guest side. */
  async recover(): Promise<EehVfioOutcome> {
    if (!this.container) throw new Error("guest not attached");
    let state = await this.op(VFIO_EEH_PE_GET_STATE);
    if (state === VFIO_EEH_PE_STATE_NORMAL) return (this.outcome = "not-frozen");
    const pe = this.peName();
    this.log.line("err", `EEH: Recovering ${pe}`);
    this.log.line("info", "EEH: Notify device drivers to shutdown");
    let r = await this.report("error_detected", pci_channel_io_frozen, PCI_ERS_RESULT_NONE);
    if (r === PCI_ERS_RESULT_DISCONNECT) return this.fail(pe);
    for (let waited = 0; state === VFIO_EEH_PE_STATE_UNAVAIL && waited < MAX_WAIT_FOR_RECOVERY_MS; waited += GUEST_UNAVAIL_POLL_MS) {
      await this.clock.sleep(GUEST_UNAVAIL_POLL_MS, "guest-eeh-wait");
      state = await this.op(VFIO_EEH_PE_GET_STATE);
    }
    if (state < 0 || state === VFIO_EEH_PE_STATE_UNAVAIL) {
      this.log.line("warn", "EEH: Permanent failure");
      return this.fail(pe);
    }
    this.log.line("info", "EEH: Collect temporary log");
    await this.op(VFIO_EEH_PE_UNFREEZE_IO);
    for (const g of this.container.groups) await this.container.fetchPeLog(g.id, EEH_LOG_TEMP);

    let hotplugged = false;
    if (r === PCI_ERS_RESULT_NONE) {
      hotplugged = true;
      this.log.line("info", "EEH: Reset with hotplug activity");
      if (!(await this.reset())) return this.fail(pe);
      this.log.line("info", `EEH: Sleep 5s ahead of complete hotplug`);
      await this.clock.sleep(EEH_HOTPLUG_SETTLE_MS, "guest-hotplug");
    }
    if (r === PCI_ERS_RESULT_CAN_RECOVER) {
      this.log.line("info", "EEH: Enable I/O for affected devices");
      const rc = await this.op(VFIO_EEH_PE_UNFREEZE_IO);
      if (rc < 0) return this.fail(pe);
      if (rc > 0) r = PCI_ERS_RESULT_NEED_RESET;
      else {
        this.log.line("info", "EEH: Notify device drivers to resume I/O");
        r = await this.report("mmio_enabled", undefined, r);
      }
    }
    if (r === PCI_ERS_RESULT_CAN_RECOVER) {
      this.log.line("info", "EEH: Enabled DMA for affected devices");
      const rc = await this.op(VFIO_EEH_PE_UNFREEZE_DMA);
      if (rc < 0) return this.fail(pe);
      r = rc > 0 ? PCI_ERS_RESULT_NEED_RESET : PCI_ERS_RESULT_RECOVERED;
    }
    if (r === PCI_ERS_RESULT_NEED_RESET) {
      this.log.line("info", "EEH: Reset without hotplug activity");
      if (!(await this.reset())) return this.fail(pe);
      r = await this.report("slot_reset", undefined, PCI_ERS_RESULT_NONE);
    }
    if (r === PCI_ERS_RESULT_RECOVERED || r === PCI_ERS_RESULT_NONE) {
      this.log.line("info", "EEH: Notify device driver to resume");
      const drv = this.options.driver;
      // A device removed and re-added by the hotplug path is a new device: not in error.
      if (drv?.resume && !hotplugged) {
        await drv.resume(this.handle());
        this.calls.push({ time: this.clock.now(), callback: "resume" });
      }
      this.log.line("info", "EEH: Recovery successful.");
      this.recoveredAt = this.clock.now();
      return (this.outcome = "recovered");
    }
    return this.fail(pe);
  }

  /** RESET_HOT, RESET_DEACTIVATE (the host restores BARs and thaws), CONFIGURE. */
  private async reset(): Promise<boolean> {
    if ((await this.op(VFIO_EEH_PE_RESET_HOT)) < 0) return false;
    if ((await this.op(VFIO_EEH_PE_RESET_DEACTIVATE)) < 0) return false;
    if ((await this.op(VFIO_EEH_PE_CONFIGURE)) < 0) return false;
    return (await this.op(VFIO_EEH_PE_GET_STATE)) === VFIO_EEH_PE_STATE_NORMAL;
  }

  private async fail(pe: string): Promise<EehVfioOutcome> {
    this.log.line("err", `EEH: Unable to recover from failure from ${pe}.`);
    this.log.line("err", "Please try reseating or replacing it");
    const drv = this.options.driver;
    await this.call(`error_detected(${CHANNEL_NAMES[pci_channel_io_perm_failure]})`, drv?.errorDetected ? () => drv.errorDetected!(this.handle(), pci_channel_io_perm_failure) : undefined);
    return (this.outcome = "failed");
  }
}
