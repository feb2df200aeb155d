// The Linux-like EEH core (linux-eeh.md §1–§3): it detects a frozen PE the way Linux does
// (an all-ones MMIO or config read confirmed with the platform, §2.4; or PowerNV's OPAL
// event and next_error, §2.2), queues the event (LIFO, §2.5), and the `eehd` loop recovers
// it (recovery.ts). Everything waits on the virtual clock.
//
// State: the PE flags live in the machine's immutable PE tree and change only through the
// tree verbs (ioda/pe/pe-tree.ts); the core's own bookkeeping (devices, queue, counters)
// is ordinary object state, as the kernel's is.

import type { VirtualClock } from "../core/clock.js";
import { allOnes, type AccessSize } from "../core/bits.js";
import { ClockError, NotFoundError } from "../core/errors.js";
import { formatPciAddress, parsePciAddress, ridOf } from "../pci/address.js";
import { isBridgeKind } from "../pci/topology.js";
import type { Machine, FunctionRef } from "../ioda/machine.js";
import { restoreBars } from "../ioda/faults.js";
import { forEachPe, getPe, peMarkIsolated, peStateClear, peStateMark, type EehPe, type PeRef, type PeTree } from "../ioda/pe/pe-tree.js";
import { EEH_PE_ISOLATED, EEH_PE_PHB, EEH_PE_RECOVERING, EEH_PE_RESET, EEH_PE_CFG_BLOCKED } from "../ioda/pe/pe-flags.js";
import {
  EEH_OPT_FREEZE_PE,
  EEH_OPT_THAW_DMA,
  EEH_OPT_THAW_MMIO,
  EEH_RESET_DEACTIVATE,
  EEH_RESET_FUNDAMENTAL,
  EEH_RESET_HOT,
  EEH_STATE_DMA_ACTIVE,
  EEH_STATE_MAX_WAIT_TIME,
  EEH_STATE_MIN_WAIT_TIME,
  EEH_STATE_MMIO_ACTIVE,
  EEH_STATE_MMIO_ENABLED,
  EEH_STATE_NOT_SUPPORT,
  EEH_STATE_UNAVAILABLE,
  EIO,
  EINVAL,
  ENOTRECOVERABLE,
  eehStateActive,
  type EehOps,
  type EehPeRef,
  type PlatformLog,
} from "../platform/eeh-ops.js";
import { pci_channel_io_normal, pci_channel_io_perm_failure, type PciDriver } from "./driver.js";
import { EEH_DEV_BRIDGE, EEH_DEV_DS_PORT, EEH_DEV_ROOT_PORT, EEH_MAX_FAILS, type EehDevice } from "./eeh-dev.js";
import type { HostLog } from "./host-log.js";
import { handleNormalEvent, handleSpecialEvent } from "./recovery.js";
import { WorkLoop } from "../core/work-loop.js";

export interface EehCoreOptions {
  /** eeh_max_freezes: recoveries allowed in the one-hour window (default 5). */
  readonly maxFreezes?: number;
  /** Steps allowed at one virtual instant before recovery is taken to loop (default 10 000). */
  readonly maxStepsPerInstant?: number;
  /** debugfs eeh_disable_recovery: drop events instead of recovering. */
  readonly disableRecovery?: boolean;
  /** EEH_ENABLE_IO_FOR_LOG: thaw MMIO before collecting the log (pSeries; P7IOC). */
  readonly enableIoForLog?: boolean;
  /** Drivers by device address ("dddd:bb:dd.f"). Devices without one have no driver. */
  readonly drivers?: Readonly<Record<string, PciDriver>>;
}

/** Counters of /proc/powerpc/eeh (linux-eeh §9). */
export interface EehStats {
  noDevice: number;
  noDn: number;
  ignoredCheck: number;
  totalMmioFfs: number;
  falsePositives: number;
  slotResets: number;
}

/** A platform log the core collected, in order. */
export interface CollectedLog {
  readonly time: number;
  readonly pe: EehPeRef;
  readonly severity: number;
  readonly log: PlatformLog;
}

/** How an event left the recovery engine. */
export interface RecoveryOutcome {
  readonly time: number;
  readonly pe: EehPeRef;
  readonly outcome: "recovered" | "failed" | "dropped" | "none";
  readonly freezeCount: number;
}

type QueuedEvent = { readonly pe: EehPeRef | null; readonly trace: readonly string[] };

/** What a step of detection or recovery did (beside its Linux log line). */
export type EehStep =
  | "detected" // eeh_dev_check_failure confirmed a freeze
  | "false-positive" // all ones, but the PE works
  | "queued" // an event went on the queue
  | "dropped" // eeh_disable_recovery
  | "recovering" // eeh_handle_normal_event started
  | "freeze-count" // the freeze window was updated
  | "driver" // one driver callback and its answer
  | "aggregate" // a driver pass finished with this merged result
  | "log" // a platform log was collected
  | "reset" // a PE reset attempt and its return code
  | "hotplug-remove"
  | "hotplug-add"
  | "thaw" // MMIO or DMA unfrozen
  | "recovered"
  | "failed";

export interface EehEvent {
  readonly time: number;
  readonly step: EehStep;
  readonly pe?: EehPeRef;
  readonly device?: string;
  /** A driver answer, a merged result, a return code, a state… */
  readonly result?: string;
  readonly detail?: string;
}

export class EehCore {
  readonly devices = new Map<string, EehDevice>();
  /** The same devices by PHB and RID, so a PE's devices are found without scanning the machine. */
  private readonly devicesByPhb = new Map<number, Map<number, EehDevice>>();
  readonly stats: EehStats = { noDevice: 0, noDn: 0, ignoredCheck: 0, totalMmioFfs: 0, falsePositives: 0, slotResets: 0 };
  readonly logs: CollectedLog[] = [];
  readonly outcomes: RecoveryOutcome[] = [];
  /** Every step, structured, in order. */
  readonly events: EehEvent[] = [];
  readonly maxFreezes: number;
  readonly maxStepsPerInstant: number;
  private stepsAt = -1;
  private stepsThisInstant = 0;
  enabled = true;
  private queue: QueuedEvent[] = [];
  /** The `eehd` thread: one event at a time, newest first. */
  private readonly eehd: WorkLoop;
  /** PowerNV: the OPAL event IRQ is masked from an event until next_error reports NONE. */
  irqMasked = false;

  constructor(
    readonly machine: Machine,
    readonly clock: VirtualClock,
    readonly ops: EehOps,
    readonly log: HostLog,
    readonly options: EehCoreOptions = {},
  ) {
    this.maxFreezes = options.maxFreezes ?? 5;
    this.maxStepsPerInstant = options.maxStepsPerInstant ?? 10_000;
    this.eehd = new WorkLoop(clock, () => {
      const ev = this.queue.shift();
      if (!ev) return undefined;
      return () => (ev.pe ? handleNormalEvent(this, ev.pe, ev.trace) : handleSpecialEvent(this));
    });
    for (const [phbId, pl] of machine.layout.phbs) {
      const byRid = new Map<number, EehDevice>();
      this.devicesByPhb.set(phbId, byRid);
      for (const f of pl.spec.functions) {
        const address = formatPciAddress(f.address);
        const rid = ridOf(f.address);
        const dev: EehDevice = {
          phbId,
          rid,
          address,
          pe: pl.plan.peOfRid.get(rid)!,
          bridge: isBridgeKind(f.kind),
          driver: options.drivers?.[address],
          mode: isBridgeKind(f.kind) ? EEH_DEV_BRIDGE | (f.kind === "root-port" ? EEH_DEV_ROOT_PORT : f.kind === "downstream-port" ? EEH_DEV_DS_PORT : 0) : 0,
          inError: false,
          channel: pci_channel_io_normal,
          present: true,
          needsFreset: false,
        };
        this.devices.set(address, dev);
        byRid.set(rid, dev);
      }
    }
    // The platform's error interrupt (PowerNV's OPAL event) queues a special event.
    machine.onEvents(() => this.checkPlatformEvent());
    this.log.line("info", `EEH: ${ops.name === "powernv" ? "PowerNV" : "pSeries"} platform initialized`);
  }

  /**
   * Record a structured step. Also the watchdog: recovery that keeps stepping while virtual
   * time stands still runs as a chain of promise continuations that never yields to the
   * event loop, so no timer could stop it; past `maxStepsPerInstant` steps at one virtual
   * instant it is a bug, and a ClockError ends it instead of a hang.
   */
  emit(step: EehStep, pe: EehPeRef | undefined, fields: { device?: string; result?: string; detail?: string } = {}): void {
    const now = this.clock.now();
    if (now !== this.stepsAt) {
      this.stepsAt = now;
      this.stepsThisInstant = 0;
    }
    if (++this.stepsThisInstant > this.maxStepsPerInstant) {
      throw new ClockError(`the EEH core made more than ${this.maxStepsPerInstant} recovery steps at ${now} ms without virtual time passing (last: ${step}${pe ? ` ${this.peName(pe)}` : ""}): recovery loops`, { now, step });
    }
    this.events.push({ time: now, step, ...(pe ? { pe } : {}), ...fields });
  }

  // ------------------------------------------------------------------ naming

  phbNumber(phbId: number): string {
    return this.machine.phbLayout(phbId).spec.domain.toString(16);
  }

  /** `PHB#x-PE#y` (or `PHB#x` for a PHB PE) as Linux prints it. */
  peName(pe: EehPeRef): string {
    return pe.pe === "phb" ? `PHB#${this.phbNumber(pe.phbId)}` : `PHB#${this.phbNumber(pe.phbId)}-PE#${pe.pe.toString(16)}`;
  }

  tree(phbId: number): PeTree {
    return this.machine.phbState(phbId).peTree;
  }

  pe(pe: EehPeRef): EehPe {
    return getPe(this.tree(pe.phbId), pe.pe);
  }

  device(ref: FunctionRef): EehDevice {
    const address = typeof ref === "string" ? formatPciAddress(parsePciAddress(ref)) : formatPciAddress(ref);
    const d = this.devices.get(address);
    if (!d) throw new NotFoundError(`no EEH device ${address}`, { address });
    return d;
  }

  /** The device with this RID on this PHB. */
  deviceAt(phbId: number, rid: number): EehDevice | undefined {
    return this.devicesByPhb.get(phbId)?.get(rid);
  }

  /** Devices of every PE in the subtree of `root`, in PE pre-order. */
  devicesOf(root: EehPeRef): EehDevice[] {
    const out: EehDevice[] = [];
    const byRid = this.devicesByPhb.get(root.phbId);
    if (!byRid) return out;
    forEachPe(this.tree(root.phbId), root.pe, (pe) => {
      for (const rid of pe.rids) {
        const d = byRid.get(rid);
        if (d) out.push(d);
      }
    });
    return out;
  }

  /** Whether any PE in the subtree is passed through (pass_dev_cnt > 0). */
  anyPassed(root: EehPeRef): boolean {
    let passed = false;
    forEachPe(this.tree(root.phbId), root.pe, (pe) => {
      if (pe.passDevCnt > 0) passed = true;
    });
    return passed;
  }

  isPassed(pe: EehPeRef): boolean {
    return this.pe(pe).passDevCnt > 0;
  }

  bindDriver(ref: FunctionRef, driver: PciDriver | undefined): void {
    this.device(ref).driver = driver;
  }

  // ------------------------------------------------------------------ PE state verbs

  markIsolated(pe: EehPeRef): void {
    this.machine.apply((d) => peMarkIsolated(d.phbs[pe.phbId]!.peTree, pe.pe));
  }

  stateMark(pe: EehPeRef, bits: number): void {
    this.machine.apply((d) => peStateMark(d.phbs[pe.phbId]!.peTree, pe.pe, bits));
  }

  stateClear(pe: EehPeRef, bits: number, includePassed: boolean): void {
    this.machine.apply((d) => peStateClear(d.phbs[pe.phbId]!.peTree, pe.pe, bits, includePassed));
  }

  /** Change counters of one PE (freeze window, check counts). */
  updatePe(pe: EehPeRef, f: (p: { checkCount: number; freezeCount: number; tstamp: number; falsePositives: number; passDevCnt: number }) => void): void {
    this.machine.apply((d) => f(getPe(d.phbs[pe.phbId]!.peTree, pe.pe)));
  }

  // ------------------------------------------------------------------ detection (§2)

  /**
   * An MMIO read through Linux's eeh_readX accessors: the value is returned unchanged;
   * all ones makes the core check for a failure.
   */
  readMmio(ref: FunctionRef, bar: number, offset: bigint, size: AccessSize): bigint {
    const dev = this.device(ref);
    const v = this.machine.mmioLoad(this.machine.barCpuAddress(dev.address, bar) + offset, size);
    if (v === allOnes(size) && this.enabled) this.devCheckFailure(dev, `readl(${dev.address} BAR${bar}+0x${offset.toString(16)})`);
    return v;
  }

  /** A config read the way the platform's read_config does it: all ones confirmed → error. */
  readConfig(ref: FunctionRef, offset: number, size: 1 | 2 | 4): { value: number; deviceNotFound: boolean } {
    const dev = this.device(ref);
    const pe = this.pe({ phbId: dev.phbId, pe: dev.pe });
    if (pe.state & EEH_PE_CFG_BLOCKED) return { value: Number(allOnes(size)), deviceNotFound: true };
    const value = this.machine.configRead(dev.address, offset, size) >>> 0;
    if (value === Number(allOnes(size)) && this.enabled) {
      const confirmed = this.devCheckFailure(dev, `pci_read_config(${dev.address}+0x${offset.toString(16)})`) === 1;
      return { value, deviceNotFound: confirmed };
    }
    return { value, deviceNotFound: false };
  }

  /** eeh_dev_check_failure (§2.4), in Linux's exact order. Returns 1 when an error is confirmed. */
  devCheckFailure(dev: EehDevice | undefined, where = "eeh_dev_check_failure"): number {
    this.stats.totalMmioFfs++;
    if (!this.enabled) return 0;
    if (!dev) {
      this.stats.noDn++;
      return 0;
    }
    let pe: EehPeRef = { phbId: dev.phbId, pe: dev.pe };
    if (!this.tree(dev.phbId).pes[dev.pe]) {
      this.stats.ignoredCheck++;
      this.log.line("debug", `EEH: Ignored check for ${dev.address}`);
      return 0;
    }
    // PowerNV checks the PHB first.
    if (this.ops.name === "powernv" && this.phbCheckFailure(dev.phbId)) return 1;
    if (this.isPassed(pe)) return 0;
    const p = this.pe(pe);
    if (p.state & EEH_PE_ISOLATED) {
      this.updatePe(pe, (x) => void x.checkCount++);
      if (this.pe(pe).checkCount === EEH_MAX_FAILS) {
        const driver = dev.driver?.name ?? "(none)";
        this.log.line("err", `EEH: ${EEH_MAX_FAILS} reads ignored for recovering device at location=${this.locationOf(dev)} driver=${driver}`, { phb: pe.phbId, pe: pe.pe });
        this.log.line("err", `EEH: Might be infinite loop in ${driver} driver`, { phb: pe.phbId, pe: pe.pe });
      }
      return 1;
    }
    const st = this.ops.getState(pe).state;
    if (st < 0 || (st === EEH_STATE_NOT_SUPPORT && dev.channel === pci_channel_io_perm_failure) || eehStateActive(st)) {
      this.stats.falsePositives++;
      this.updatePe(pe, (x) => void x.falsePositives++);
      this.emit("false-positive", pe, { device: dev.address, result: `0x${st.toString(16)}` });
      return 0;
    }
    // A frozen parent (below the PHB PE) takes the event.
    for (let r: PeRef | null = this.pe(pe).parent; r !== null && r !== "phb"; r = getPe(this.tree(pe.phbId), r).parent) {
      const ps = this.ops.getState({ phbId: pe.phbId, pe: r }).state;
      if (ps > 0 && !eehStateActive(ps)) {
        const parent: EehPeRef = { phbId: pe.phbId, pe: r };
        this.log.line("err", `EEH: Failure of ${this.peName(parent)} will be handled at parent ${this.peName(parent)}.`, { phb: pe.phbId, pe: r });
        pe = parent;
      }
    }
    this.stats.slotResets++;
    this.markIsolated(pe);
    this.log.line("debug", `EEH: eeh_dev_check_failure: Frozen ${this.peName(pe)} detected`, { phb: pe.phbId, pe: pe.pe });
    this.emit("detected", pe, { device: dev.address, detail: where });
    this.sendFailureEvent(pe, [`eeh_dev_check_failure+0x0/0x0 from ${where}`]);
    return 1;
  }

  /** eeh_phb_check_failure (PowerNV): a fenced or dead PHB is handled first. */
  private phbCheckFailure(phbId: number): boolean {
    const phbPe: EehPeRef = { phbId, pe: "phb" };
    if (this.pe(phbPe).state & EEH_PE_ISOLATED) return false;
    const st = this.ops.getState(phbPe).state;
    if (st < 0 || st === EEH_STATE_NOT_SUPPORT || eehStateActive(st)) return false;
    this.markIsolated(phbPe);
    this.log.line("debug", `EEH: PHB#${this.phbNumber(phbId)} failure detected, location: ${this.machine.phbLayout(phbId).spec.location ?? "N/A"}`, { phb: phbId });
    this.sendFailureEvent(phbPe, []);
    return true;
  }

  locationOf(dev: EehDevice): string {
    return this.machine.phbLayout(dev.phbId).fnByRid.get(dev.rid)?.location ?? "N/A";
  }

  // ------------------------------------------------------------------ the event queue (§2.5)

  /** __eeh_send_failure_event: mark RECOVERING first, then insert at the head (LIFO). */
  sendFailureEvent(pe: EehPeRef | null, trace: readonly string[] = []): void {
    if (this.options.disableRecovery) {
      this.log.line("err", "EEH: Event dropped due to no_recover setting");
      this.emit("dropped", pe ?? undefined);
      if (pe) this.outcomes.push({ time: this.clock.now(), pe, outcome: "dropped", freezeCount: this.pe(pe).freezeCount });
      return;
    }
    if (pe) this.stateMark(pe, EEH_PE_RECOVERING);
    this.queue.unshift({ pe, trace });
    this.emit("queued", pe ?? undefined, { detail: pe ? "normal" : "special" });
  }

  /** PowerNV's OPAL event interrupt: mask it and queue a special event. */
  checkPlatformEvent(): void {
    if (this.ops.errorInterruptPending?.() && !this.irqMasked && this.ops.nextError) {
      this.irqMasked = true;
      this.sendFailureEvent(null);
    }
  }

  /** eeh_remove_event: purge queued events (all, a PHB's, or one PE's); ISOLATED ones kept unless forced. */
  removeEvent(pe: EehPeRef | null, force: boolean): void {
    this.queue = this.queue.filter((e) => {
      if (!e.pe) return pe !== null;
      if (!force && this.pe(e.pe).state & EEH_PE_ISOLATED) return true;
      if (pe === null) return false;
      if (pe.pe === "phb") return e.pe.phbId !== pe.phbId;
      return !(e.pe.phbId === pe.phbId && e.pe.pe === pe.pe);
    });
  }

  pendingEvents(): number {
    return this.queue.length;
  }

  /**
   * The `eehd` thread: handle queued events until none is left. The caller drives the
   * virtual clock (e.g. `await clock.runUntilIdle()` alongside, or use `settle()`).
   */
  drain(): Promise<void> {
    return this.eehd.drain();
  }

  /** Handle every queued event, running the virtual clock until all recovery is done. */
  settle(): Promise<void> {
    return this.eehd.settle();
  }

  // ------------------------------------------------------------------ helpers (§2.6, §3.6–§3.8)

  /** eeh_wait_state: wait while the PE is only temporarily unavailable. */
  async waitState(pe: EehPeRef, maxWaitMs: number): Promise<number> {
    let budget = maxWaitMs;
    for (;;) {
      const { state, delay } = this.ops.getState(pe);
      if (state !== EEH_STATE_UNAVAILABLE) return state;
      if (budget <= 0) {
        this.log.line("warn", `eeh_wait_state: Timeout when getting PE's state (${maxWaitMs})`, { phb: pe.phbId, pe: pe.pe });
        return EEH_STATE_NOT_SUPPORT;
      }
      let d = delay;
      if (d < EEH_STATE_MIN_WAIT_TIME) {
        this.log.line("warn", `eeh_wait_state: Firmware returned bad wait value ${d}`, { phb: pe.phbId, pe: pe.pe });
        d = EEH_STATE_MIN_WAIT_TIME;
      } else if (d > EEH_STATE_MAX_WAIT_TIME) {
        this.log.line("warn", `eeh_wait_state: Firmware returned too long wait value ${d}`, { phb: pe.phbId, pe: pe.pe });
        d = EEH_STATE_MAX_WAIT_TIME;
      }
      await this.clock.sleep(Math.min(d, budget));
      budget -= d;
    }
  }

  /**
   * eeh_pci_enable (§3.8). The "already/now enabled" tests are `state & active_flag`, any
   * bit: THAW_MMIO's flag is MMIO_ACTIVE|MMIO_ENABLED (pSeries state 4 reports only
   * MMIO_ENABLED), THAW_DMA's is DMA_ACTIVE.
   */
  async pciEnable(pe: EehPeRef, option: number): Promise<number> {
    const thaw = option === EEH_OPT_THAW_MMIO || option === EEH_OPT_THAW_DMA;
    if (!thaw && option !== 0 && option !== 1 && option !== EEH_OPT_FREEZE_PE) return -EINVAL;
    const activeFlag = option === EEH_OPT_THAW_MMIO ? EEH_STATE_MMIO_ACTIVE | EEH_STATE_MMIO_ENABLED : EEH_STATE_DMA_ACTIVE;
    if (thaw) {
      const st = this.ops.getState(pe).state;
      if (st < 0) return st;
      if (st === EEH_STATE_NOT_SUPPORT) return 0;
      if (st & activeFlag) return 0;
    }
    const rc = this.ops.setOption(pe, option);
    if (rc) this.log.line("warn", `eeh_pci_enable: Unexpected state change ${option} on ${this.peName(pe)}, err=${rc}`, { phb: pe.phbId, pe: pe.pe });
    if (!thaw) return rc;
    const st = await this.waitState(pe, 300000);
    if (st < 0) return st;
    return st & activeFlag ? 0 : -EIO;
  }

  /** eeh_unfreeze_pe: THAW_MMIO then THAW_DMA. */
  async unfreezePe(pe: EehPeRef): Promise<number> {
    for (const [opt, what] of [[EEH_OPT_THAW_MMIO, "IO"], [EEH_OPT_THAW_DMA, "DMA"]] as const) {
      const rc = await this.pciEnable(pe, opt);
      this.emit("thaw", pe, { result: String(rc), detail: what });
      if (rc) {
        this.log.line("warn", `eeh_unfreeze_pe: Failure ${rc} enabling ${what} on ${this.peName(pe)}`, { phb: pe.phbId, pe: pe.pe });
        return -EIO;
      }
    }
    return 0;
  }

  /** eeh_pe_reset_full (§3.6): up to 3 attempts of reset + deactivate + wait. */
  async peResetFull(pe: EehPeRef, includePassed: boolean): Promise<number> {
    const devs = this.devicesOf(pe);
    const type = devs.some((d) => d.needsFreset) ? EEH_RESET_FUNDAMENTAL : EEH_RESET_HOT;
    this.stateMark(pe, EEH_PE_RESET | EEH_PE_CFG_BLOCKED);
    let result = -EIO;
    for (let attempt = 1; attempt <= 3; attempt++) {
      let rc = await this.ops.reset(pe, type);
      if (!rc) rc = await this.ops.reset(pe, EEH_RESET_DEACTIVATE);
      this.emit("reset", pe, { result: String(rc), detail: `${type === EEH_RESET_FUNDAMENTAL ? "fundamental" : "hot"} reset, attempt ${attempt}` });
      if (rc) {
        this.log.line("warn", `EEH: Failure ${rc} resetting ${this.peName(pe)} (attempt ${attempt})`, { phb: pe.phbId, pe: pe.pe });
        continue;
      }
      if (attempt > 1) this.log.line("warn", `EEH: ${this.peName(pe)}: Successful reset (attempt ${attempt})`, { phb: pe.phbId, pe: pe.pe });
      // While EEH_PE_RESET is set PowerNV reports the PE as working: the freeze is kept
      // through the reset and lifted by the core after BAR restore (§3.10).
      const st = await this.waitState(pe, 300000);
      if (st < 0) {
        this.log.line("warn", `EEH: Unrecoverable slot failure on ${this.peName(pe)}`, { phb: pe.phbId, pe: pe.pe });
        result = -ENOTRECOVERABLE;
        break;
      }
      if (eehStateActive(st)) {
        result = 0;
        break;
      }
      this.log.line("warn", `EEH: ${this.peName(pe)}: Slot inactive after reset: 0x${st.toString(16)} (attempt ${attempt})`, { phb: pe.phbId, pe: pe.pe });
    }
    if (!includePassed) {
      forEachPe(this.tree(pe.phbId), pe.pe, (p) => {
        if (p.passDevCnt === 0 || p.ref === "phb") return;
        const ref: EehPeRef = { phbId: pe.phbId, pe: p.ref };
        const st = this.ops.getState(ref).state;
        if (st >= 0 && st & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_MMIO_ENABLED)) {
          this.log.line("info", `EEH: Passed-through PE ${this.peName(ref)} was thawed by reset, re-freezing for safety.`, { phb: pe.phbId, pe: p.ref });
          this.ops.setOption(ref, EEH_OPT_FREEZE_PE);
        }
      });
    }
    this.stateClear(pe, EEH_PE_RESET | EEH_PE_CFG_BLOCKED, true);
    return result;
  }

  /** eeh_pe_restore_bars + restore_config for every present device of the subtree. */
  restoreBars(pe: EehPeRef): void {
    for (const d of this.devicesOf(pe)) {
      if (!d.present) continue;
      restoreBars(this.machine, d.address);
      this.ops.restoreConfig?.(d.phbId, d.rid);
    }
  }

  /** eeh_slot_error_detail (§3.7): collect the platform log. */
  slotErrorDetail(pe: EehPeRef, severity: number): PlatformLog | undefined {
    const p = this.pe(pe);
    if (!(p.type & EEH_PE_PHB)) {
      if (this.options.enableIoForLog || severity === 2) this.ops.setOption(pe, EEH_OPT_THAW_MMIO);
      this.ops.configureBridge(pe);
      if (!(this.pe(pe).state & EEH_PE_CFG_BLOCKED)) {
        for (const d of this.devicesOf(pe)) {
          if (!d.present) continue;
          const ids = this.machine.configRead(d.address, 0, 4) >>> 0;
          const cmd = this.machine.configRead(d.address, 4, 4) >>> 0;
          this.log.line("warn", `EEH: of node=${d.address}`, { phb: pe.phbId, pe: pe.pe });
          this.log.line("warn", `EEH: PCI device/vendor: ${ids.toString(16).padStart(8, "0")}`, { phb: pe.phbId, pe: pe.pe });
          this.log.line("warn", `EEH: PCI cmd/status register: ${cmd.toString(16).padStart(8, "0")}`, { phb: pe.phbId, pe: pe.pe });
        }
      }
    }
    const log = this.ops.getLog(pe, severity);
    if (log) {
      this.logs.push({ time: this.clock.now(), pe, severity, log });
      this.emit("log", pe, { result: log.kind, detail: severity === 2 ? "permanent" : "temporary" });
    }
    return log;
  }

  /** The virtual time in seconds (ktime_get_seconds). */
  nowSeconds(): number {
    return this.clock.nowSeconds();
  }

  /** The PEs of the subtree of `root`, root first (pre-order). */
  subtree(root: EehPeRef): EehPeRef[] {
    const out: EehPeRef[] = [];
    forEachPe(this.tree(root.phbId), root.pe, (p) => out.push({ phbId: root.phbId, pe: p.ref }));
    return out;
  }
}
