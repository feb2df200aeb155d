// What the hypervisor models need from the kernels they run on, as interfaces (aer-xen.md
// §5.2: "pciback is the PCI driver bound to every assignable device in dom0, so dom0's
// pcie_do_recovery (or EEH) calls these"; §6: vfio-pci likewise). pciback and vfio-pci are
// plain driver objects; whichever error core calls them is handed in. The AER layer's
// AerHost implements every interface here (structurally); DESIGN.md puts aer/ and
// hypervisor/ side by side, so this layer names the shape instead of importing it, and the
// caller (CLI, tests, library user) wires the two: `new XenHost(new AerHost(m, clock, log), …)`.

import type { VirtualClock } from "../core/clock.js";
import type { ChannelState, DeviceHandle, PciErsResult } from "../eeh/driver.js";
import type { HostLog, LogLevel } from "../eeh/host-log.js";
import type { Machine } from "../ioda/machine.js";
import type { AerLogFormat } from "../log/aer/names.js";

export type MaybePromise<T> = T | Promise<T>;

/**
 * A driver's error handlers: `struct pci_error_handlers` plus `cor_error_detected`. The AER
 * core's AerDriver has exactly this shape; the EEH core's PciDriver is its synchronous subset.
 */
export interface ErrorHandlers {
  readonly name: string;
  errorDetected?(dev: DeviceHandle, state: ChannelState): MaybePromise<PciErsResult>;
  mmioEnabled?(dev: DeviceHandle): MaybePromise<PciErsResult>;
  slotReset?(dev: DeviceHandle): MaybePromise<PciErsResult>;
  resume?(dev: DeviceHandle): MaybePromise<void>;
  corErrorDetected?(dev: DeviceHandle): MaybePromise<void>;
}

/** What a passthrough stub driver (pciback, vfio-pci) needs from its kernel's PCI error core. */
export interface HostPciCore {
  readonly machine: Machine;
  /** Bind `driver` to the device (the core calls its handlers on errors). */
  bindDriver(address: string, driver: ErrorHandlers | undefined): void;
  /** A `dev_printk` line: `<driver> <BDF>: text`. */
  deviceLine(address: string, level: LogLevel, text: string): void;
  /** pci_restore_state of the state saved at probe (after an FLR). */
  restoreState(address: string): void;
  /** pci_bus_error_reset of the bus below `bridge`; returns rc (0: the link came back). */
  busErrorReset(bridge: string): Promise<number>;
}

/** One pcie_do_recovery as a native AER core reports it. */
export interface RecoveryRecord {
  readonly start: number;
  readonly end: number;
  readonly device: string;
  readonly bridge: string;
  readonly severity: "fatal" | "nonfatal";
  readonly status: PciErsResult;
  readonly outcome: "recovered" | "failed";
  readonly resetRc?: number;
}

/** A kernel that handles AER natively (an x86 host, or a guest's virtual root port). */
export interface NativeAerCore extends HostPciCore {
  injectUncorrectable(address: string, bit: number, tlpHeader?: readonly number[]): unknown;
  injectCorrectable(address: string, bit: number): unknown;
  injectLinkDown(port: string, opts?: { permanent?: boolean }): unknown;
  /** Run the IRQ thread and the clock until everything queued is handled. */
  settle(): Promise<void>;
  readonly recoveries: readonly RecoveryRecord[];
  readonly events: readonly { readonly step: string }[];
}

export interface NativeAerOptions {
  readonly format?: AerLogFormat;
  readonly drivers?: Readonly<Record<string, ErrorHandlers>>;
  /** Replace the link reset of aer_root_reset (QEMU's virtual root port). */
  readonly linkReset?: (bridge: string) => Promise<number>;
}

/** Builds a native AER core over a machine — e.g. `(m, c, l, o) => new AerHost(m, c, l, o)`. */
export type NativeAerFactory = (machine: Machine, clock: VirtualClock, log: HostLog, options: NativeAerOptions) => NativeAerCore;
