// Linux's native AER driver on a host that owns AER (x86-like; aer-xen.md §2.1): the
// root port's `aer_irq` reads and clears PCI_ERR_ROOT_STATUS and queues {status, source}
// in a 128-entry kfifo; the IRQ thread (`aer_isr` → `aer_isr_one_error`) handles each entry,
// correctable part first: source search (`find_source_device`, with the bus-0 / multi /
// NO_AERSID fallback and the 5-device limit), then every device found is printed (the
// "Inaccessible" case for a fatal error on an endpoint or upstream port) before any is
// handled; correctable → clear and tell the driver; non-fatal/fatal → pcie_do_recovery
// (recovery.ts). Lines in the generation `format` chooses (log/aer), sysfs counters
// (stats.ts), ratelimiting of the 6.16 printout (ratelimit.ts), and a structured record of
// every step for reports.
//
// On PowerNV none of this runs: pnv_pci_init disables the port-service driver and a UE
// becomes an EEH freeze (§3.1; ioda/faults.ts injectPcieUe). The AER host is the "other
// platform" of the comparison.
//
// The IRQ thread waits on the virtual clock (link resets, drivers that answer late): drive
// it with `settle()`, or `drain()` beside `clock.runUntilIdle()`.

import type { VirtualClock } from "../core/clock.js";
import { WorkLoop } from "../core/work-loop.js";
import { NotFoundError } from "../core/errors.js";
import { pci_channel_io_normal, type ChannelState, type DeviceHandle } from "../eeh/driver.js";
import type { HostLog, LogLevel } from "../eeh/host-log.js";
import type { FunctionRef, Machine } from "../ioda/machine.js";
import { printAerLine } from "../log/aer/print.js";
import type { AerLineBody } from "../log/aer/lines.js";
import { aerAgent, aerBitName, aerLayer, setBits, type AerLogFormat, type AerSeverity } from "../log/aer/names.js";
import { addressFromRid, formatPciAddress, parsePciAddress, ridOf, type Rid } from "../pci/address.js";
import { aerCapOffset } from "../pci/aer-capability.js";
import { PCI_EXP_CAP_BASE, pcieType } from "../pci/config-space.js";
import {
  AER_LOG_TLP_MASKS,
  ERR_COR_ID,
  ERR_UNCOR_ID,
  PCI_ERR_CAP,
  PCI_ERR_CAP_FEP,
  PCI_ERR_COR_MASK,
  PCI_ERR_COR_STATUS,
  PCI_ERR_HEADER_LOG,
  PCI_ERR_ROOT_COMMAND,
  PCI_ERR_ROOT_CMD_COR_EN,
  PCI_ERR_ROOT_CMD_FATAL_EN,
  PCI_ERR_ROOT_CMD_NONFATAL_EN,
  PCI_ERR_ROOT_COR_RCV,
  PCI_ERR_ROOT_ERR_SRC,
  PCI_ERR_ROOT_FATAL_RCV,
  PCI_ERR_ROOT_MULTI_COR_RCV,
  PCI_ERR_ROOT_MULTI_UNCOR_RCV,
  PCI_ERR_ROOT_STATUS,
  PCI_ERR_ROOT_UNCOR_RCV,
  PCI_ERR_UNCOR_MASK,
  PCI_ERR_UNCOR_STATUS,
  PCI_EXP_DEVCTL,
  PCI_EXP_DEVCTL_CERE,
  PCI_EXP_DEVCTL_FERE,
  PCI_EXP_DEVCTL_NFERE,
  PCI_EXP_DEVCTL_URRE,
  PCI_EXP_DEVSTA,
  PCI_EXP_DEVSTA_CED,
  PCI_EXP_DEVSTA_FED,
  PCI_EXP_DEVSTA_NFED,
  PCI_EXP_DEVSTA_URD,
  PCI_EXP_TYPE_DOWNSTREAM,
  PCI_EXP_TYPE_ROOT_PORT,
} from "../pci/regs.js";
import { isBridgeKind, type FunctionKind } from "../pci/topology.js";
import type { AerDriver } from "./driver.js";
import { AerRatelimit, type AerRatelimitConfig } from "./ratelimit.js";
import { pciBusErrorReset, pcieDoRecovery, type RecoveryResult } from "./recovery.js";
import { aerSignalCorrectable, aerSignalLinkDown, aerSignalUncorrectable, type AerSignal } from "./registers.js";
import { countDeviceError, newAerStats, renderAerSysfs, type AerStats, type AerSysfsFile } from "./stats.js";
import { walkBus } from "./pci-walk.js";
import { restorePciState, savePciState, type SavedPciState } from "./pci-state.js";

/** AER_MAX_MULTI_ERR_DEVICES: devices one message can name (§2.1 step 3). */
export const AER_MAX_MULTI_ERR_DEVICES = 5;
/** Entries of the root port's kfifo; a message arriving when it is full is dropped. */
export const AER_ERROR_SOURCES_MAX = 128;
/** The root-status bits aer_irq acts on (AER_ERR_STATUS_MASK). */
export const AER_ERR_STATUS_MASK = PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV | PCI_ERR_ROOT_MULTI_UNCOR_RCV;
/** The Device Control enables Linux sets on every AER device (PCI_EXP_AER_FLAGS). */
export const PCI_EXP_AER_FLAGS = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE;
/** Root Command enables aer_enable_rootport sets. */
export const ROOT_PORT_INTR_ON_MESG_MASK = PCI_ERR_ROOT_CMD_COR_EN | PCI_ERR_ROOT_CMD_NONFATAL_EN | PCI_ERR_ROOT_CMD_FATAL_EN;

export interface AerHostOptions {
  /** Drivers by `dddd:bb:dd.f`. Ports without one are bound to "pcieport" (which casts no vote). */
  readonly drivers?: Readonly<Record<string, AerDriver>>;
  /** Printout generation (default "mainline", the 6.16 rework). */
  readonly format?: AerLogFormat;
  /** First root-port IRQ number printed by "enabled with IRQ n" (default 24). */
  readonly irqBase?: number;
  /** Buses flagged PCI_BUS_FLAGS_NO_AERSID (their error source id is not trusted). */
  readonly noAerSidBuses?: readonly number[];
  /** Ratelimits of the 6.16 printout (default 5 s / 10 per device and kind). */
  readonly ratelimit?: { readonly correctable?: AerRatelimitConfig; readonly nonfatal?: AerRatelimitConfig };
  /**
   * Replace the link reset of aer_root_reset (QEMU's virtual root port turns it into an FLR
   * of the assigned device, hypervisor/qemu). Returns the reset's rc.
   */
  readonly linkReset?: (bridge: string) => Promise<number>;
}

/** struct pci_dev, as far as AER uses it. */
export interface AerDevice {
  readonly address: string;
  readonly phbId: number;
  readonly domain: number;
  readonly rid: Rid;
  readonly kind: FunctionKind;
  readonly vendorId: number;
  readonly deviceId: number;
  driver: AerDriver | undefined;
  /** dev->error_state. */
  errorState: ChannelState;
  readonly stats: AerStats;
  readonly corRatelimit: AerRatelimit;
  readonly nonfatalRatelimit: AerRatelimit;
}

/** One entry of the root port's kfifo: ROOT_STATUS and ERR_SRC as aer_irq read them. */
export interface AerErrSource {
  readonly status: number;
  readonly id: number;
}

/** What the AER host did, step by step. */
export type AerStep =
  | "irq" // aer_irq queued an entry
  | "fifo-full" // aer_irq dropped an entry
  | "message" // one severity part of an entry (root line)
  | "source" // a device the search found
  | "no-source"
  | "correctable" // a correctable error cleared
  | "driver" // a recovery callback and its vote
  | "uevent"
  | "reset" // aer_root_reset: the link reset and its rc
  | "recovered"
  | "failed";

export interface AerEvent {
  readonly time: number;
  readonly step: AerStep;
  readonly device?: string;
  readonly severity?: AerSeverity;
  readonly result?: string;
  readonly detail?: string;
}

/** The `ras:aer_event` trace record (§7), emitted for every reported device. */
export interface AerTraceEvent {
  readonly time: number;
  readonly devName: string;
  /** status & ~mask */
  readonly status: number;
  readonly severity: AerSeverity;
  readonly tlpHeaderValid: boolean;
  readonly tlpHeader: readonly number[];
}

/** struct aer_err_info for one device of one message. */
export interface AerErrInfo {
  readonly severity: AerSeverity;
  readonly id: number;
  readonly multi: boolean;
  /** Devices the search found (≤ 5). */
  readonly devices: AerDevice[];
  /** 6.16: per found device, whether its lines pass the ratelimit. */
  readonly print: boolean[];
  rootPrint: boolean;
}

interface DeviceErrorInfo {
  status: number;
  mask: number;
  firstError: number;
  tlp: readonly number[] | undefined;
}

interface RootPort {
  readonly phbId: number;
  readonly address: string;
  readonly irq: number;
  readonly fifo: AerErrSource[];
}

export class AerHost {
  readonly devices = new Map<string, AerDevice>();
  readonly events: AerEvent[] = [];
  readonly traces: AerTraceEvent[] = [];
  readonly recoveries: RecoveryResult[] = [];
  /** pci_save_state at probe (dev->saved_state), the fallback when a live save reads all ones. */
  readonly savedState = new Map<string, SavedPciState>();
  readonly format: AerLogFormat;
  private readonly roots = new Map<number, RootPort>();
  private readonly noAerSid: ReadonlySet<number>;
  private readonly irqThread: WorkLoop;

  constructor(
    readonly machine: Machine,
    readonly clock: VirtualClock,
    readonly log: HostLog,
    readonly options: AerHostOptions = {},
  ) {
    this.irqThread = new WorkLoop(clock, () => {
      const root = [...this.roots.values()].find((r) => r.fifo.length > 0);
      if (!root) return undefined;
      const entry = root.fifo.shift()!;
      return () => this.isrOneError(root, entry);
    });
    this.format = options.format ?? "mainline";
    this.noAerSid = new Set(options.noAerSidBuses ?? []);
    let irq = options.irqBase ?? 24;
    for (const [phbId, pl] of machine.layout.phbs) {
      for (const f of pl.spec.functions) {
        const address = formatPciAddress(f.address);
        this.devices.set(address, {
          address,
          phbId,
          domain: f.address.domain,
          rid: ridOf(f.address),
          kind: f.kind,
          vendorId: f.vendorId,
          deviceId: f.deviceId,
          driver: options.drivers?.[address],
          errorState: pci_channel_io_normal,
          stats: newAerStats(),
          corRatelimit: new AerRatelimit(options.ratelimit?.correctable),
          nonfatalRatelimit: new AerRatelimit(options.ratelimit?.nonfatal),
        });
      }
      this.probe(phbId, irq++);
      for (const f of pl.spec.functions) {
        const d = this.device(f.address);
        this.savedState.set(d.address, savePciState(machine, d.domain, d.rid, this.aerOf(d.address), isBridgeKind(f.kind), f.kind === "root-port"));
      }
    }
  }

  // ------------------------------------------------------------------ probe

  /**
   * aer_probe + pci_aer_init: error reporting on in every AER device's Device Control,
   * stale status cleared, the root port's interrupts enabled ("AER: enabled with IRQ n").
   */
  private probe(phbId: number, irq: number): void {
    const pl = this.machine.phbLayout(phbId);
    for (const f of pl.spec.functions) {
      const a = formatPciAddress(f.address);
      if (!f.aer) continue;
      const devctl = PCI_EXP_CAP_BASE + PCI_EXP_DEVCTL;
      this.machine.configWrite(a, devctl, 2, this.machine.configRead(a, devctl, 2) | PCI_EXP_AER_FLAGS);
    }
    const root = pl.spec.functions.find((f) => f.kind === "root-port" && f.aer && ridOf(f.address) === 0);
    if (!root) return;
    const address = formatPciAddress(root.address);
    this.roots.set(phbId, { phbId, address, irq, fifo: [] });
    const aer = this.aerOf(address);
    this.machine.configWrite(address, aer + PCI_ERR_ROOT_STATUS, 4, this.machine.configRead(address, aer + PCI_ERR_ROOT_STATUS, 4));
    this.machine.configWrite(address, aer + PCI_ERR_ROOT_COMMAND, 4, ROOT_PORT_INTR_ON_MESG_MASK);
    this.print(this.device(address), { kind: "enabled", irq }, "info");
  }

  // ------------------------------------------------------------------ lookups and naming

  device(ref: FunctionRef): AerDevice {
    const address = typeof ref === "string" ? formatPciAddress(parsePciAddress(ref)) : formatPciAddress(ref);
    const d = this.devices.get(address);
    if (!d) throw new NotFoundError(`no PCI device ${address}`, { address });
    return d;
  }

  deviceByRid(phbId: number, rid: Rid): AerDevice | undefined {
    const domain = this.machine.phbLayout(phbId).spec.domain;
    return this.devices.get(formatPciAddress(addressFromRid(domain, rid)));
  }

  bindDriver(ref: FunctionRef, driver: AerDriver | undefined): void {
    this.device(ref).driver = driver;
  }

  handle(d: AerDevice): DeviceHandle {
    return { address: d.address, phbId: d.phbId, rid: d.rid };
  }

  /** dev_driver_string: the bound driver, "pcieport" for ports, else the bus name "pci". */
  driverName(d: AerDevice): string {
    return d.driver?.name ?? (isBridgeKind(d.kind) ? "pcieport" : "pci");
  }

  /** The root port of a device's PHB. */
  rootPortOf(d: AerDevice): AerDevice | undefined {
    const r = this.roots.get(d.phbId);
    return r ? this.devices.get(r.address) : undefined;
  }

  aerOf(ref: FunctionRef): number {
    const { phbId, rid } = this.machine.locate(ref);
    const fn = this.machine.phbState(phbId).functions[rid];
    return fn ? aerCapOffset(fn.config) : 0;
  }

  pcieTypeOf(d: AerDevice): number {
    return pcieType(this.machine.phbState(d.phbId).functions[d.rid]!.config);
  }

  /** Print one AER line on the host log with the device's prefix. */
  print(d: AerDevice | undefined, body: AerLineBody, level: LogLevel): void {
    const line = printAerLine({ ...(d ? { dev: { driver: this.driverName(d), address: d.address } } : {}), body }, this.format);
    this.log.line(level, line, d ? { phb: d.phbId } : {});
  }

  /** `devLine` by address (the shape hypervisor models use). */
  deviceLine(address: string, level: LogLevel, text: string): void {
    this.devLine(this.device(address), level, text);
  }

  /** pci_restore_state from the state saved at probe (after an FLR by a stub driver). */
  restoreState(ref: FunctionRef): void {
    const saved = this.savedState.get(this.device(ref).address);
    if (saved) restorePciState(this.machine, saved);
  }

  /** pci_bus_error_reset of the bus below `bridge` (recovery.ts pciBusErrorReset). */
  busErrorReset(bridge: FunctionRef): Promise<number> {
    return pciBusErrorReset(this, this.device(bridge));
  }

  /** A plain line with the device prefix (debug messages of err.c, pciback, vfio…). */
  devLine(d: AerDevice, level: LogLevel, text: string): void {
    this.log.line(level, `${this.driverName(d)} ${d.address}: ${text}`, { phb: d.phbId });
  }

  emit(step: AerStep, fields: Omit<AerEvent, "time" | "step"> = {}): void {
    this.events.push({ time: this.clock.now(), step, ...fields });
  }

  // ------------------------------------------------------------------ hardware faults (native host)

  /** A device detects uncorrectable error `bit`; the root port interrupts if it should. */
  injectUncorrectable(ref: FunctionRef, bit: number, tlpHeader?: readonly number[]): AerSignal {
    return this.raised(aerSignalUncorrectable(this.machine, ref, bit, tlpHeader));
  }

  /** A device detects correctable error `bit`. */
  injectCorrectable(ref: FunctionRef, bit: number): AerSignal {
    return this.raised(aerSignalCorrectable(this.machine, ref, bit));
  }

  /** The link below a port drops (Surprise Down reported by the port). */
  injectLinkDown(port: FunctionRef, opts: { permanent?: boolean } = {}): AerSignal {
    return this.raised(aerSignalLinkDown(this.machine, port, opts));
  }

  private raised(s: AerSignal): AerSignal {
    if (s.interrupt) this.irq(s.phbId);
    return s;
  }

  // ------------------------------------------------------------------ aer_irq and the thread

  /**
   * aer_irq: the root port's interrupt. Reads ROOT_STATUS; nothing to do unless a
   * (multi) COR/UNCOR bit is set; reads ERR_SRC; writes ROOT_STATUS back (W1C); queues the
   * pair (dropped when the fifo is full) and wakes the thread. Returns whether it queued.
   */
  irq(phbId: number): boolean {
    const root = this.roots.get(phbId);
    if (!root) return false;
    const aer = this.aerOf(root.address);
    const status = this.machine.configRead(root.address, aer + PCI_ERR_ROOT_STATUS, 4) >>> 0;
    if (!(status & AER_ERR_STATUS_MASK)) return false;
    const id = this.machine.configRead(root.address, aer + PCI_ERR_ROOT_ERR_SRC, 4) >>> 0;
    this.machine.configWrite(root.address, aer + PCI_ERR_ROOT_STATUS, 4, status);
    if (root.fifo.length >= AER_ERROR_SOURCES_MAX) {
      this.emit("fifo-full", { device: root.address, detail: `status 0x${status.toString(16)}` });
      return false;
    }
    root.fifo.push({ status, id });
    this.emit("irq", { device: root.address, detail: `status 0x${status.toString(16).padStart(8, "0")} source 0x${id.toString(16).padStart(8, "0")}` });
    this.clock.setTimer(0, () => void this.drain(), "aer_isr");
    return true;
  }

  /** Entries waiting in the fifos. */
  pending(): number {
    let n = 0;
    for (const r of this.roots.values()) n += r.fifo.length;
    return n;
  }

  /** The IRQ thread: handle queued entries until none is left. */
  drain(): Promise<void> {
    return this.irqThread.drain();
  }

  /** Handle everything queued, running the virtual clock until all recovery is done. */
  async settle(): Promise<void> {
    await this.irqThread.settle();
    await this.clock.runUntilIdle();
  }

  /** aer_isr_one_error: root-port counters, then the correctable part, then the uncorrectable part. */
  private async isrOneError(root: RootPort, src: AerErrSource): Promise<void> {
    const rp = this.devices.get(root.address)!;
    if (src.status & PCI_ERR_ROOT_COR_RCV) rp.stats.rootportTotalCorErrs++;
    if (src.status & PCI_ERR_ROOT_UNCOR_RCV) {
      if (src.status & PCI_ERR_ROOT_FATAL_RCV) rp.stats.rootportTotalFatalErrs++;
      else rp.stats.rootportTotalNonfatalErrs++;
    }
    if (src.status & PCI_ERR_ROOT_COR_RCV) {
      await this.oneErrorType(rp, { severity: "correctable", id: ERR_COR_ID(src.id), multi: (src.status & PCI_ERR_ROOT_MULTI_COR_RCV) !== 0, devices: [], print: [], rootPrint: false });
    }
    if (src.status & PCI_ERR_ROOT_UNCOR_RCV) {
      const severity: AerSeverity = src.status & PCI_ERR_ROOT_FATAL_RCV ? "fatal" : "nonfatal";
      await this.oneErrorType(rp, { severity, id: ERR_UNCOR_ID(src.id), multi: (src.status & PCI_ERR_ROOT_MULTI_UNCOR_RCV) !== 0, devices: [], print: [], rootPrint: false });
    }
  }

  private async oneErrorType(root: AerDevice, info: AerErrInfo): Promise<void> {
    const source = formatPciAddress(addressFromRid(root.domain, info.id));
    if (this.format !== "mainline") {
      // (A)/(B): the root line first, then the search.
      const src = this.format === "legacy" ? info.id : source;
      this.print(root, { kind: "root", severity: info.severity, multiple: info.multi, source: src, noDetails: false }, "info");
      this.emit("message", { device: root.address, severity: info.severity, detail: source });
      const found = this.findSourceDevice(root, info);
      if (!found) {
        this.print(root, { kind: "no-source", id: info.id }, "info");
        this.emit("no-source", { device: root.address, severity: info.severity, detail: source });
        return;
      }
    } else {
      // (C): search first (ratelimit states per found device), then the root line.
      const found = this.findSourceDevice(root, info);
      const now = this.clock.now();
      if (info.rootPrint || (!found && this.ratelimit(root, info.severity, now))) {
        this.print(root, { kind: "root", severity: info.severity, multiple: info.multi, source, noDetails: !found }, "info");
      }
      this.emit("message", { device: root.address, severity: info.severity, detail: source });
      if (!found) {
        this.emit("no-source", { device: root.address, severity: info.severity, detail: source });
        return;
      }
    }
    await this.processErrDevices(info);
  }

  /** aer_ratelimit: fatal never limited; others by the device's state of that kind. */
  private ratelimit(d: AerDevice, severity: AerSeverity, now: number): boolean {
    if (severity === "fatal") return true;
    return (severity === "correctable" ? d.corRatelimit : d.nonfatalRatelimit).allow(now);
  }

  // ------------------------------------------------------------------ find_source_device

  /**
   * find_source_device: the root port itself, then its subordinate bus (pre-order). A device
   * matches by BDF (bus ≠ 0, bus not NO_AERSID); without a match — or with multi set, or
   * bus 0 — it matches when enabled, reporting on in DEVCTL, and status & ~mask ≠ 0. At most
   * AER_MAX_MULTI_ERR_DEVICES; stop at the first unless multi.
   */
  findSourceDevice(root: AerDevice, info: AerErrInfo): boolean {
    info.devices.length = 0;
    info.print.length = 0;
    const pl = this.machine.phbLayout(root.phbId);
    const rootSpec = pl.fnByRid.get(root.rid)!;
    const candidates = [root.rid, ...(rootSpec.secondaryBus !== undefined ? walkBus(pl, rootSpec.secondaryBus) : [])];
    const now = this.clock.now();
    for (const rid of candidates) {
      const dev = this.deviceByRid(root.phbId, rid);
      if (!dev || !this.isErrorSource(dev, info)) continue;
      if (info.devices.length >= AER_MAX_MULTI_ERR_DEVICES) {
        if (this.format === "mainline") this.print(dev, { kind: "exceeded", max: AER_MAX_MULTI_ERR_DEVICES }, "err");
        break;
      }
      info.devices.push(dev);
      const p = this.format !== "mainline" || this.ratelimit(dev, info.severity, now);
      info.print.push(p);
      if (p) info.rootPrint = true;
      this.emit("source", { device: dev.address, severity: info.severity });
      if (!info.multi) break;
    }
    return info.devices.length > 0;
  }

  /** is_error_source. */
  private isErrorSource(dev: AerDevice, info: AerErrInfo): boolean {
    const bus = info.id >> 8;
    if (bus !== 0 && !this.noAerSid.has(dev.rid >> 8)) {
      if (info.id === dev.rid) return true;
      if (!info.multi) return false;
    }
    if (!this.enabled(dev)) return false;
    const devctl = this.machine.configRead(dev.address, PCI_EXP_CAP_BASE + PCI_EXP_DEVCTL, 2);
    if (!(devctl & PCI_EXP_AER_FLAGS)) return false;
    const aer = this.aerOf(dev.address);
    if (!aer) return false;
    const [st, mk] = info.severity === "correctable" ? [PCI_ERR_COR_STATUS, PCI_ERR_COR_MASK] : [PCI_ERR_UNCOR_STATUS, PCI_ERR_UNCOR_MASK];
    const status = this.machine.configRead(dev.address, aer + st, 4);
    const mask = this.machine.configRead(dev.address, aer + mk, 4);
    return ((status & ~mask) >>> 0) !== 0;
  }

  /** enable_cnt > 0: a driver enabled the device (ports are enabled by pcieport). */
  enabled(dev: AerDevice): boolean {
    return dev.driver !== undefined || isBridgeKind(dev.kind);
  }

  // ------------------------------------------------------------------ report, then handle

  /** aer_process_err_devices: print every device first, then handle each. */
  private async processErrDevices(info: AerErrInfo): Promise<void> {
    info.devices.forEach((dev, i) => {
      const e = this.getDeviceErrorInfo(dev, info);
      if (e) this.printError(dev, info, e, info.print[i] ?? true);
    });
    for (const dev of info.devices) {
      const e = this.getDeviceErrorInfo(dev, info);
      if (e) await this.handleErrorSource(dev, info, e);
    }
  }

  /**
   * aer_get_device_error_info. Correctable: CE status/mask (nothing if all masked). Others:
   * on root ports, downstream ports and for non-fatal errors the UE registers, FEP and (for
   * the header-logging bits) the TLP header; a fatal error on any other device is left
   * unread (the link may be dead): status 0, printed as Inaccessible.
   */
  getDeviceErrorInfo(dev: AerDevice, info: AerErrInfo): DeviceErrorInfo | undefined {
    const aer = this.aerOf(dev.address);
    if (!aer) return undefined;
    const rd = (off: number): number => this.machine.configRead(dev.address, aer + off, 4) >>> 0;
    if (info.severity === "correctable") {
      const status = rd(PCI_ERR_COR_STATUS);
      const mask = rd(PCI_ERR_COR_MASK);
      if (!((status & ~mask) >>> 0)) return undefined;
      // first_error is not read for CEs: the zero-initialised value (§2.2).
      return { status, mask, firstError: 0, tlp: undefined };
    }
    const type = this.pcieTypeOf(dev);
    if (type === PCI_EXP_TYPE_ROOT_PORT || type === PCI_EXP_TYPE_DOWNSTREAM || info.severity === "nonfatal") {
      const status = rd(PCI_ERR_UNCOR_STATUS);
      const mask = rd(PCI_ERR_UNCOR_MASK);
      if (!((status & ~mask) >>> 0)) return undefined;
      const firstError = PCI_ERR_CAP_FEP(rd(PCI_ERR_CAP));
      const tlp = status & AER_LOG_TLP_MASKS ? [0, 4, 8, 12].map((o) => rd(PCI_ERR_HEADER_LOG + o)) : undefined;
      return { status, mask, firstError, tlp };
    }
    return { status: 0, mask: 0, firstError: 0, tlp: undefined };
  }

  /** aer_print_error for one device (+ stats and the trace event). */
  private printError(dev: AerDevice, info: AerErrInfo, e: DeviceErrorInfo, print: boolean): void {
    const legacy = this.format === "legacy";
    const level: LogLevel = info.severity === "correctable" ? "warn" : "err";
    const countInaccessible = this.format === "mainline";
    if (e.status || countInaccessible) countDeviceError(dev.stats, info.severity, e.status, e.mask);
    this.traces.push({ time: this.clock.now(), devName: dev.address, status: (e.status & ~e.mask) >>> 0, severity: info.severity, tlpHeaderValid: e.tlp !== undefined, tlpHeader: e.tlp ?? [0, 0, 0, 0] });
    if (!print) return;
    if (!e.status) {
      this.print(dev, { kind: "inaccessible", severity: info.severity, ...(legacy ? { id: dev.rid } : {}) }, "err");
    } else {
      this.print(dev, { kind: "bus-error", severity: info.severity, layer: aerLayer(info.severity, e.status), agent: aerAgent(info.severity, e.status), ...(legacy ? { id: dev.rid } : {}) }, level);
      this.print(dev, { kind: "device", vendor: dev.vendorId, device: dev.deviceId, status: e.status, mask: e.mask }, level);
      for (const bit of setBits((e.status & ~e.mask) >>> 0)) {
        this.print(dev, { kind: "bit", bit, name: aerBitName(info.severity, bit, this.format), first: bit === e.firstError }, level);
      }
      if (e.tlp) this.print(dev, { kind: "tlp", dwords: e.tlp, flit: false, prefixes: [] }, level);
    }
    if (info.id && info.devices.length > 1 && info.id === dev.rid) this.print(dev, { kind: "agent-first", ...(legacy ? { id: dev.rid } : {}) }, "err");
  }

  /** handle_error_source. */
  private async handleErrorSource(dev: AerDevice, info: AerErrInfo, e: DeviceErrorInfo): Promise<void> {
    if (info.severity === "correctable") {
      const aer = this.aerOf(dev.address);
      this.machine.configWrite(dev.address, aer + PCI_ERR_COR_STATUS, 4, e.status);
      this.emit("correctable", { device: dev.address, detail: `0x${e.status.toString(16).padStart(8, "0")}` });
      if (dev.driver?.corErrorDetected) await dev.driver.corErrorDetected(this.handle(dev));
      this.clearDeviceStatus(dev);
      return;
    }
    const result = await pcieDoRecovery(this, dev, info.severity);
    this.recoveries.push(result);
  }

  /** pcie_clear_device_status: write DEVSTA's error bits back (W1C). */
  clearDeviceStatus(dev: AerDevice): void {
    const at = PCI_EXP_CAP_BASE + PCI_EXP_DEVSTA;
    const errors = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD;
    this.machine.configWrite(dev.address, at, 2, this.machine.configRead(dev.address, at, 2) & errors);
  }

  // ------------------------------------------------------------------ sysfs

  /** The text of a sysfs statistics file of a device (§2.4). */
  sysfs(ref: FunctionRef, file: AerSysfsFile): string {
    return renderAerSysfs(this.device(ref).stats, file);
  }

  /** The root-port Root Command enables, for aer_disable_irq / aer_enable_irq. */
  setRootInterrupts(root: AerDevice, on: boolean): void {
    const aer = this.aerOf(root.address);
    const at = aer + PCI_ERR_ROOT_COMMAND;
    const cmd = this.machine.configRead(root.address, at, 4);
    this.machine.configWrite(root.address, at, 4, on ? (cmd | ROOT_PORT_INTR_ON_MESG_MASK) >>> 0 : (cmd & ~ROOT_PORT_INTR_ON_MESG_MASK) >>> 0);
  }

  /** Clear the root port's ROOT_STATUS (W1C), as aer_root_reset does. */
  clearRootStatus(root: AerDevice): void {
    const aer = this.aerOf(root.address);
    const at = aer + PCI_ERR_ROOT_STATUS;
    this.machine.configWrite(root.address, at, 4, this.machine.configRead(root.address, at, 4) >>> 0);
  }
}

/** A factory with the NativeAerFactory shape of the hypervisor models. */
export function createAerHost(machine: Machine, clock: VirtualClock, log: HostLog, options: AerHostOptions = {}): AerHost {
  return new AerHost(machine, clock, log, options);
}
