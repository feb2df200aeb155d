// A QEMU VM with vfio-pci devices, as hw/vfio/pci.c handles host-reported errors
// (aer-xen.md §6, seed 002).
//
// Mainline ("vm-stop"): at realize, VFIO_DEVICE_GET_IRQ_INFO on the ERR index; count 1 →
// pci_aer and an err eventfd handed to the kernel; otherwise the warning "Could not enable
// error recovery for the device" (and "vfio: Unable to init event notifier for error
// detection" when the eventfd cannot be set up). When the eventfd fires,
// vfio_err_notifier_handler prints "…Unrecoverable error detected. Please collect any data
// possible and then kill the guest" and vm_stop(RUN_STATE_INTERNAL_ERROR): the whole VM is
// paused, nothing reaches the guest, management decides. (The issue text says runstate
// "io-error"; the spec, which wins, says RUN_STATE_INTERNAL_ERROR = "internal-error".)
// The 2025 s390x series adds a per-device err_handler hook tried first (`errHandler`).
// QEMU refuses `cont` from internal-error ("Resetting the Virtual Machine is required").
//
// The seed's proposals, as options: "forward-all" (its "Solution 1" workable version): the
// host resets the link first for a fatal error (vfio-pci, patched as in the seed, signals
// QEMU only after it), then QEMU injects the error into the guest's virtual PCIe hierarchy
// and the guest's own AER recovers it; the guest's link
// reset of its virtual root port is not turned into a host link reset but into an FLR of
// the assigned device (`guestLinkReset: "flr"`, default) — or, as the first attempt did,
// into a second host link reset (`"bus-reset"`, the seed's Problem C). "forward-nonfatal"
// (Solution 2): only non-fatal errors are forwarded; fatal ones still stop the VM.
//
// Emulator choices: each assigned device sits below its own virtual root port (guest PCI
// domain = the device's index, device at 01:00.0); the forwarded error is the lowest
// unmasked UE bit the host saw, fatal or not by the virtual device's severity register; the
// management reaction happens `managementDelayMs` after the STOP event.

import type { VirtualClock } from "../../core/clock.js";
import { ArgumentError, EehError } from "../../core/errors.js";
import { HostLog } from "../../eeh/host-log.js";
import { pci_channel_io_frozen } from "../../eeh/driver.js";
import { Machine } from "../../ioda/machine.js";
import { functionLevelReset, resetBelow } from "../../ioda/faults.js";
import type { ErrorHandlers, HostPciCore, NativeAerCore, NativeAerFactory } from "../host-kernel.js";
import { formatPciAddress, parsePciAddress } from "../../pci/address.js";
import { aerCapOffset } from "../../pci/aer-capability.js";
import { configRead } from "../../pci/config-space.js";
import { PCI_ERR_UNCOR_SEVER, PCI_ERR_UNC_MALF_TLP, PCI_ERR_UNC_UNSUP } from "../../pci/regs.js";
import type { PciFunctionSpec, PhbSpec } from "../../pci/topology.js";
import { EventFd, type VfioPciHostDriver } from "./vfio-pci-driver.js";

/** QEMU RunState names this model reaches. */
export type QemuRunState = "running" | "paused" | "internal-error" | "shutdown";
export type QemuAerMode = "vm-stop" | "forward-nonfatal" | "forward-all";
/** What management (libvirt, an operator) does after the STOP. */
export type ManagementPolicy = "leave-paused" | "cont" | "system-reset" | "destroy";

/** FLR completes after 100 ms (pcie_flr's msleep(100)). */
export const PCIE_FLR_WAIT_MS = 100;

export interface QemuVmOptions {
  readonly aerMode?: QemuAerMode;
  readonly management?: ManagementPolicy;
  readonly managementDelayMs?: number;
  /** How a guest link reset is carried out on the host in "forward-all" (default "flr"). */
  readonly guestLinkReset?: "flr" | "bus-reset";
  /** The 2025 per-device error handler: return true when it handled the error. */
  readonly errHandler?: (hostAddress: string) => boolean;
  /** The binary name error_report prefixes lines with. */
  readonly binary?: string;
}

export interface VfioDeviceOptions {
  /** The guest driver of the device (forwarding modes call it). */
  readonly driver?: ErrorHandlers;
  /** VFIO_DEVICE_GET_IRQ_INFO(ERR).count (default 1, a PCIe device). */
  readonly errIrqCount?: number;
  /** event_notifier_init fails. */
  readonly eventfdFails?: boolean;
}

export interface QemuVfioDevice {
  readonly hostAddress: string;
  /** Where the guest sees it (forwarding modes). */
  readonly guestAddress: string;
  readonly host: VfioPciHostDriver;
  readonly pciAer: boolean;
  readonly driver: ErrorHandlers | undefined;
  readonly notifier: EventFd | undefined;
}

export interface QmpEvent {
  readonly time: number;
  readonly event: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export class QemuVm {
  runstate: QemuRunState = "running";
  readonly aerMode: QemuAerMode;
  /** QEMU's stderr (error_report / warn_report). */
  readonly stderr: { readonly time: number; readonly line: string }[] = [];
  readonly qmp: QmpEvent[] = [];
  /** The guest kernel's log. */
  readonly guestLog: HostLog;
  readonly devices: QemuVfioDevice[] = [];
  /** Guest reboots (system_reset). */
  boots = 1;
  /** Host link resets and FLRs QEMU caused (forwarding). */
  readonly hostResets: { readonly time: number; readonly kind: "flr" | "bus-reset"; readonly device: string }[] = [];
  /** The guest's virtual PCIe hierarchy and its AER driver (forwarding modes only). */
  guest: { readonly machine: Machine; readonly aer: NativeAerCore } | undefined;
  readonly hostMachine: Machine;

  constructor(
    readonly name: string,
    /** The host kernel's PCI error core (its AER driver). */
    readonly hostKernel: HostPciCore,
    readonly clock: VirtualClock,
    readonly options: QemuVmOptions = {},
    /** Builds the guest kernel's AER driver over the virtual hierarchy (forwarding modes). */
    readonly guestAer?: NativeAerFactory,
  ) {
    this.hostMachine = hostKernel.machine;
    this.aerMode = options.aerMode ?? "vm-stop";
    this.guestLog = new HostLog(clock);
  }

  private report(kind: "error" | "warning", text: string): void {
    const bin = this.options.binary ?? "qemu-system-x86_64";
    this.stderr.push({ time: this.clock.now(), line: `${bin}: ${kind === "warning" ? "warning: " : ""}${text}` });
  }

  private event(event: string, data?: Record<string, unknown>): void {
    this.qmp.push({ time: this.clock.now(), event, ...(data ? { data } : {}) });
  }

  /** vfio_realize for one device; call `finishRealize` after the last one. */
  realize(hostAddress: string, host: VfioPciHostDriver, opts: VfioDeviceOptions = {}): QemuVfioDevice {
    const a = formatPciAddress(parsePciAddress(hostAddress));
    const index = this.devices.length;
    const guestAddress = formatPciAddress({ domain: index, bus: 1, device: 0, fn: 0 });
    let pciAer = (opts.errIrqCount ?? 1) === 1;
    let notifier: EventFd | undefined;
    if (!pciAer) this.report("warning", `vfio ${a}: Could not enable error recovery for the device`);
    else if (opts.eventfdFails) {
      this.report("error", "vfio: Unable to init event notifier for error detection");
      pciAer = false;
    } else {
      notifier = new EventFd(this.clock);
      host.errTrigger = notifier; // VFIO_DEVICE_SET_IRQS(ERR, eventfd)
    }
    const dev: QemuVfioDevice = { hostAddress: a, guestAddress, host, pciAer, driver: opts.driver, notifier };
    notifier?.onReadable(() => this.errNotifierHandler(dev));
    this.devices.push(dev);
    return dev;
  }

  /** Build the guest's virtual hierarchy (forwarding modes) once every device is realized. */
  finishRealize(): void {
    if (this.aerMode === "vm-stop" || this.devices.length === 0) return;
    if (!this.guestAer) throw new ArgumentError(`QEMU VM ${this.name}: aerMode ${this.aerMode} needs a guest AER factory`);
    const phbs: PhbSpec[] = this.devices.map((d, i) => {
      const host = this.hostSpec(d.hostAddress);
      const root: PciFunctionSpec = {
        address: { domain: i, bus: 0, device: 0, fn: 0 },
        kind: "root-port",
        vendorId: 0x1b36, // QEMU pcie-root-port
        deviceId: 0x000c,
        classCode: 0x060400,
        bars: [],
        secondaryBus: 1,
        subordinateBus: 1,
        aer: true,
      };
      const ep: PciFunctionSpec = { address: { domain: i, bus: 1, device: 0, fn: 0 }, kind: "endpoint", vendorId: host.vendorId, deviceId: host.deviceId, classCode: host.classCode, bars: host.bars, aer: true };
      return { id: i, domain: i, model: "ioda2", functions: [root, ep] };
    });
    const machine = Machine.build({ phbs });
    const drivers: Record<string, ErrorHandlers> = {};
    for (const d of this.devices) if (d.driver) drivers[d.guestAddress] = d.driver;
    const aer = this.guestAer(machine, this.clock, this.guestLog, { drivers, linkReset: (bridge) => this.guestLinkReset(bridge) });
    this.guest = { machine, aer };
  }

  private hostSpec(address: string): PciFunctionSpec {
    const { phbId, rid } = this.hostMachine.locate(address);
    return this.hostMachine.phbLayout(phbId).fnByRid.get(rid)!;
  }

  /** vfio_err_notifier_handler. */
  private errNotifierHandler(dev: QemuVfioDevice): void {
    if (!dev.notifier?.testAndClear()) return;
    if (this.runstate !== "running") return;
    if (this.options.errHandler?.(dev.hostAddress)) {
      this.event("VFIO_ERR_HANDLED", { device: dev.hostAddress });
      return;
    }
    const e = dev.host.lastError;
    const fatal = e?.state === pci_channel_io_frozen;
    const forward = this.aerMode === "forward-all" || (this.aerMode === "forward-nonfatal" && !fatal);
    if (forward && this.guest && e) {
      this.forward(dev, e.uncorStatus & ~e.uncorMask, fatal, e.headerLog);
      return;
    }
    this.report("error", `vfio_err_notifier_handler(${dev.hostAddress}) Unrecoverable error detected. Please collect any data possible and then kill the guest`);
    this.vmStop("internal-error");
  }

  /** vm_stop(state): pause every vCPU, emit STOP, let management react. */
  vmStop(state: "internal-error" | "paused"): void {
    if (this.runstate !== "running") return;
    this.runstate = state;
    this.event("STOP");
    this.event("RUNSTATE", { status: state });
    const policy = this.options.management ?? "leave-paused";
    if (policy === "leave-paused") return;
    this.clock.setTimer(this.options.managementDelayMs ?? 0, () => this.manage(policy), "management");
  }

  private manage(policy: Exclude<ManagementPolicy, "leave-paused">): void {
    switch (policy) {
      case "cont":
        this.qmpCont();
        break;
      case "system-reset":
        this.systemReset();
        this.qmpCont();
        break;
      case "destroy":
        this.runstate = "shutdown";
        this.event("SHUTDOWN", { guest: false, reason: "host-qmp-quit" });
        break;
    }
  }

  /** QMP `cont`. Returns the QMP error, if any. */
  qmpCont(): string | undefined {
    if (this.runstate === "internal-error" || this.runstate === "shutdown") {
      const err = "Resetting the Virtual Machine is required";
      this.event("QMP_ERROR", { command: "cont", desc: err });
      return err;
    }
    if (this.runstate === "paused") {
      this.runstate = "running";
      this.event("RESUME");
    }
    return undefined;
  }

  /** QMP `system_reset`: devices reset (vfio: FLR on the host), the guest reboots. */
  systemReset(): void {
    for (const d of this.devices) this.hostFlr(d.hostAddress);
    this.boots++;
    this.event("RESET", { guest: false, reason: "host-qmp-system-reset" });
    if (this.runstate === "internal-error") this.runstate = "paused";
    this.guestLog.line("info", `eeh-emu: guest rebooted by system_reset (boot ${this.boots})`);
  }

  private hostFlr(address: string): void {
    try {
      functionLevelReset(this.hostMachine, address);
      this.hostResets.push({ time: this.clock.now(), kind: "flr", device: address });
    } catch (e) {
      if (!(e instanceof EehError)) throw e;
    }
  }

  // ------------------------------------------------------------------ forwarding (seed 002)

  /** pcie_aer_inject_error into the virtual device: its AER bits, then the virtual root port. */
  private forward(dev: QemuVfioDevice, unmasked: number, fatal: boolean, header: readonly number[]): void {
    const g = this.guest!;
    const { phbId, rid } = g.machine.locate(dev.guestAddress);
    const cs = g.machine.phbState(phbId).functions[rid]!.config;
    const sev = configRead(cs, aerCapOffset(cs) + PCI_ERR_UNCOR_SEVER, 4);
    let bit = 0;
    for (let i = 0; i < 32 && !bit; i++) {
      const b = (1 << i) >>> 0;
      if (unmasked & b && ((sev & b) !== 0) === fatal) bit = b;
    }
    if (!bit) for (let i = 0; i < 32 && !bit; i++) if (unmasked & (1 << i)) bit = (1 << i) >>> 0;
    if (!bit) bit = fatal ? PCI_ERR_UNC_MALF_TLP : PCI_ERR_UNC_UNSUP;
    this.event("AER_FORWARDED", { device: dev.hostAddress, guest: dev.guestAddress, bit: `0x${bit.toString(16)}`, fatal });
    g.aer.injectUncorrectable(dev.guestAddress, bit, header);
  }

  /** The guest reset the link below its virtual root port. */
  private async guestLinkReset(bridge: string): Promise<number> {
    const g = this.guest!;
    const { phbId } = g.machine.locate(bridge);
    const dev = this.devices[phbId];
    if (!dev) return 0;
    resetBelow(g.machine, bridge); // the virtual link: only emulated state below it
    if ((this.options.guestLinkReset ?? "flr") === "flr") {
      this.hostFlr(dev.hostAddress);
      await this.clock.sleep(PCIE_FLR_WAIT_MS, "vfio-flr");
    } else {
      const { phbId: hp, rid } = this.hostMachine.locate(dev.hostAddress);
      const pl = this.hostMachine.phbLayout(hp);
      const up = pl.bridgeForBus.get(rid >> 8);
      if (up !== undefined) {
        const br = formatPciAddress(pl.fnByRid.get(up)!.address);
        this.hostResets.push({ time: this.clock.now(), kind: "bus-reset", device: br });
        const rc = await this.hostKernel.busErrorReset(br);
        if (rc) return rc;
      }
    }
    this.hostKernel.restoreState(dev.hostAddress);
    return 0;
  }
}
