// pSeries RTAS firmware for EEH over the emulated PHB models (pseries-rtas.md §4.3–§4.5,
// §6; linux-eeh.md §2.6, §4, §6). One method per RTAS call, with the call's arguments in
// the spec's order — the PE handle (config address, BUID high, BUID low) first — and its
// status codes: 0 success, −1 hardware error, −3 parameter error, 990x extended delay, and
// the call-specific ones. A call that fails changes nothing: neither the machine state nor
// the firmware's own records (the same objects stay in place).
//
// When firmware detects an EEH error (emulator reading of PHyp, which the spec does not
// document, §7): the first time the OS asks about a PE — ibm,read-slot-reset-state2 or
// ibm,slot-error-detail — and finds it frozen (or lost), firmware latches the error data
// (error-capture.ts) under a new PLID. That is also when Linux learns of the freeze, and it
// is the moment the adapter's config words still read as the frozen PE answers them. The
// latched error stays the PE's "last error": ibm,slot-error-detail returns a log built from
// it (error-log.ts: BA188001 for a temporary request, BA188002 for a permanent one or a lost
// PE) until the PE, having been seen or made healthy, freezes again. A PE that never had an
// error gets status 1, "no errors found".
//
// Time: the firmware reads only the virtual clock. A reset must be held for
// RTAS_RESET_HOLD_MIN_MS before it is deasserted, and the link trains for
// RTAS_RESET_SETTLE_MS after (rtas-constants.ts); nothing runs on timers, states are
// derived from the times recorded.

import { EehError } from "../../core/errors.js";
import type { VirtualClock } from "../../core/clock.js";
import { RTAS_ERROR_LOG_MAX } from "../../log/rtas/index.js";
import { configWrite } from "../../pci/config-space.js";
import { PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "../../pci/regs.js";
import { ridOf } from "../../pci/address.js";
import { isBridgeKind, type PciFunctionSpec } from "../../pci/topology.js";
import { M32_PCI_BASE, m32CpuBase } from "../../ioda/address-map.js";
import { disarmErrInject, freezePe, unfreezePe } from "../../ioda/faults.js";
import { armMmioInjection } from "./errinjct-arm.js";
import { pathUp, type FunctionRef, type Machine } from "../../ioda/machine.js";
import { clearFreeze, isFenced } from "../../ioda/phb-engine.js";
import { captureEehError, type EehCapture } from "./error-capture.js";
import { buildErrorLogBytes, errorLogInput, type SystemIdentity } from "./error-log.js";
import { decodeIoaBusErrorWorkArea, EEH_ERR_TYPE_32 } from "./errinjct-work-area.js";
import { extendedDelayStatus } from "./extended-delay.js";
import {
  EMPTY_PHB_STATE,
  initialGlobalState,
  patchPe,
  peRecord,
  type GlobalFirmwareState,
  type PeFirmwareState,
  type PhbFirmwareState,
} from "./firmware-state.js";
import { PeDirectory, peSharingMode, type PeHandle, type PeTarget } from "./pe-directory.js";
import { PlatformLogStore } from "./platform-log-store.js";
import { applyReset, resetScopeOf, supportsFundamentalReset } from "./reset-scope.js";
import {
  EEH_OPT_FREEZE_PE,
  RTAS_EEH_DISABLE,
  RTAS_EEH_ENABLE,
  RTAS_EEH_PE_RECOVER_INFO,
  RTAS_EEH_THAW_DMA,
  RTAS_EEH_THAW_IO,
  RTAS_ERRINJCT_TOKENS,
  RTAS_ERR_TYPE_IOA_BUS_ERROR,
  RTAS_ERR_TYPE_IOA_BUS_ERROR_64,
  RTAS_GET_PE_ADDR,
  RTAS_GET_PE_MODE,
  RTAS_OUT_ERRINJCT_ALREADY_OPEN,
  RTAS_OUT_ERRINJCT_NOT_ENABLED,
  RTAS_OUT_FRESET_NOT_SUPPORTED,
  RTAS_OUT_HW_ERROR,
  RTAS_OUT_NOT_SUPPORTED,
  RTAS_OUT_NO_ERRORS_FOUND,
  RTAS_OUT_PARAM_ERROR,
  RTAS_OUT_SUCCESS,
  RTAS_PE_MODE_NONE,
  RTAS_RESET_HOLD_MIN_MS,
  RTAS_RESET_SETTLE_MS,
  RTAS_SLOT_PERM_ERR_LOG,
  RTAS_SLOT_RESET_DEACTIVATE,
  RTAS_SLOT_RESET_FUNDAMENTAL,
  RTAS_SLOT_RESET_HOT,
  RTAS_SLOT_TEMP_ERR_LOG,
} from "./rtas-constants.js";
import { slotState, type SlotState } from "./slot-state.js";

/**
 * Memory functions of the IOA bus error (load/store, address/data): the only ones pSeries
 * supports (linux-eeh.md §6.2: funcs 0, 1, 6, 7). Other functions (0–19 are defined) are
 * refused as not supported.
 */
export const PSERIES_ERRINJCT_FUNCS: readonly number[] = [0, 1, 6, 7];

export interface PseriesOptions {
  /** Wall-clock time (ms since the Unix epoch, UTC) at virtual time 0: PH creation dates. Default 0. */
  readonly epochMs?: number;
  /** MT section: machine type-model (8 characters at most). Default "8286-42A" (a POWER8 S824). */
  readonly machineTypeModel?: string;
  /** MT section: serial number (12 characters at most). Default "10ABCDE". */
  readonly serialNumber?: string;
  /** LP section: the partition id. Default 1. */
  readonly partitionId?: number;
  /** `rtas-error-log-max`: the largest return buffer ibm,slot-error-detail accepts, clamped to 2048 (§4.2). */
  readonly errorLogMax?: number;
  /** Whether ibm,open-errinjct is enabled; false gives −5 "PCI Error Injection is not enabled". Default true. */
  readonly errinjctEnabled?: boolean;
  /**
   * Whether ibm,set-eeh-option accepts option 4 (EEH_OPT_FREEZE_PE) and freezes the PE.
   * Linux never sends it on pSeries and QEMU refuses it with −3 (§4.3, §6.2); default true
   * (an emulator extension, so a test can freeze a PE through RTAS); false behaves as QEMU.
   */
  readonly freezeOption?: boolean;
  /** Where logs returned with status 0 are recorded; default a new store. */
  readonly platformLog?: PlatformLogStore;
}

export interface ReadSlotResetState2Result {
  readonly status: number;
  /** [1] PE state, [2] EEH supported, [3] wait time ms, [4] PE recovery info; only with status 0. */
  readonly state?: number;
  readonly supported?: number;
  readonly delayMs?: number;
  readonly recoveryInfo?: number;
}

export interface SlotErrorDetailResult {
  readonly status: number;
  /** Bytes of the log written at the start of the return buffer (0 unless status is 0). */
  readonly length: number;
}

export interface ConfigAddrInfo2Result {
  readonly status: number;
  readonly info?: number;
}

export interface OpenErrinjctResult {
  /** The open token (0 when the call failed): ibm,open-errinjct's first output. */
  readonly token: number;
  /** Its second output. */
  readonly status: number;
}

/** An update of the firmware records, committed only when the call succeeds. */
interface Tx {
  phbId: number;
  phb: PhbFirmwareState;
  global: GlobalFirmwareState;
}

export class PseriesPlatform {
  readonly machine: Machine;
  readonly clock: VirtualClock;
  readonly platformLog: PlatformLogStore;
  readonly directory: PeDirectory;
  private readonly options: Required<Omit<PseriesOptions, "platformLog">>;
  private global: GlobalFirmwareState = initialGlobalState();
  private readonly phbs = new Map<number, PhbFirmwareState>();

  constructor(machine: Machine, clock: VirtualClock, options: PseriesOptions = {}) {
    this.machine = machine;
    this.clock = clock;
    this.directory = new PeDirectory(machine);
    this.platformLog = options.platformLog ?? new PlatformLogStore();
    this.options = {
      epochMs: options.epochMs ?? 0,
      machineTypeModel: options.machineTypeModel ?? "8286-42A",
      serialNumber: options.serialNumber ?? "10ABCDE",
      partitionId: options.partitionId ?? 1,
      errorLogMax: Math.min(options.errorLogMax ?? RTAS_ERROR_LOG_MAX, RTAS_ERROR_LOG_MAX),
      errinjctEnabled: options.errinjctEnabled ?? true,
      freezeOption: options.freezeOption ?? true,
    };
  }

  // ------------------------------------------------------------------ firmware records

  /** The machine-wide firmware record (errinjct facility, log counters); immutable. */
  get firmware(): GlobalFirmwareState {
    return this.global;
  }

  /** The firmware records of one PHB's PEs; immutable, the same object until a call changes it. */
  phbFirmware(phbId: number): PhbFirmwareState {
    return this.phbs.get(phbId) ?? EMPTY_PHB_STATE;
  }

  peFirmware(phbId: number, pe: number): PeFirmwareState {
    return peRecord(this.phbFirmware(phbId), pe);
  }

  /** The PE handle Linux holds for a function's PE (the PE config address and the PHB BUID). */
  handleOf(ref: FunctionRef): PeHandle {
    const { phbId, rid } = this.machine.locate(ref);
    return this.directory.handleOf(phbId, rid)!;
  }

  /** The config address, BUID high and BUID low of a function itself (what pre-5.10 Linux passed). */
  functionHandle(ref: FunctionRef): PeHandle {
    const { phbId, rid } = this.machine.locate(ref);
    const h = this.directory.handleOf(phbId, rid)!;
    return { ...h, configAddr: (rid << 8) >>> 0 };
  }

  // ------------------------------------------------------------------ ibm,set-eeh-option

  /** ibm,set-eeh-option (4/1): 0 disable, 1 enable, 2 thaw MMIO, 3 thaw DMA, 4 freeze (see PseriesOptions.freezeOption). */
  setEehOption(configAddr: number, buidHi: number, buidLo: number, option: number): number {
    return this.guard(() => {
      const t = this.directory.resolve(configAddr, buidHi, buidLo);
      if (!t) return RTAS_OUT_PARAM_ERROR;
      const tx = this.begin(t.phbId);
      const rec = peRecord(tx.phb, t.pe);
      switch (option) {
        case RTAS_EEH_DISABLE:
        case RTAS_EEH_ENABLE:
          tx.phb = patchPe(tx.phb, t.pe, { eehEnabled: option === RTAS_EEH_ENABLE });
          this.commit(tx);
          return RTAS_OUT_SUCCESS;
        case RTAS_EEH_THAW_IO:
        case RTAS_EEH_THAW_DMA: {
          // A dead or fenced PHB, a PE held in reset or lost cannot be thawed.
          const hw = this.machine.phbState(t.phbId).hw;
          if (hw.broken || isFenced(hw) || rec.failed || rec.reset) return RTAS_OUT_HW_ERROR;
          unfreezePe(this.machine, t.phbId, t.pe, { mmio: option === RTAS_EEH_THAW_IO, dma: option === RTAS_EEH_THAW_DMA });
          this.disarmInjectionFor(tx, t.pe);
          const f = this.machine.peFreezeState(t.phbId, t.pe);
          if (!f.mmio && !f.dma && rec.capture) tx.phb = patchPe(tx.phb, t.pe, { healthySinceCapture: true });
          this.commit(tx);
          return RTAS_OUT_SUCCESS;
        }
        case EEH_OPT_FREEZE_PE: {
          if (!this.options.freezeOption) return RTAS_OUT_PARAM_ERROR;
          if (this.machine.phbState(t.phbId).hw.broken) return RTAS_OUT_HW_ERROR;
          freezePe(this.machine, t.phbId, t.pe, { mmio: true, dma: true });
          return RTAS_OUT_SUCCESS;
        }
        default:
          return RTAS_OUT_PARAM_ERROR;
      }
    });
  }

  // ------------------------------------------------------------------ ibm,set-slot-reset

  /**
   * ibm,set-slot-reset (4/1): 1 hot / 3 fundamental reset asserts the reset of the PE's
   * scope (reset-scope.ts) and keeps the PE frozen while it is held; 0 deasserts it — not
   * before RTAS_RESET_HOLD_MIN_MS (extended delay otherwise) — thaws the PE and the PEs
   * below it, and starts the settle time. If the link below stays down (a permanent
   * fault), the PE stays frozen and becomes permanently unavailable.
   */
  setSlotReset(configAddr: number, buidHi: number, buidLo: number, option: number): number {
    return this.guard(() => {
      const t = this.directory.resolve(configAddr, buidHi, buidLo);
      if (!t) return RTAS_OUT_PARAM_ERROR;
      if (option !== RTAS_SLOT_RESET_DEACTIVATE && option !== RTAS_SLOT_RESET_HOT && option !== RTAS_SLOT_RESET_FUNDAMENTAL) return RTAS_OUT_PARAM_ERROR;
      const hw = this.machine.phbState(t.phbId).hw;
      if (hw.broken) return RTAS_OUT_HW_ERROR;
      const tx = this.begin(t.phbId);
      const rec = peRecord(tx.phb, t.pe);
      const now = this.clock.now();
      if (option === RTAS_SLOT_RESET_DEACTIVATE) return this.deassert(t, tx, rec, now);
      if (option === RTAS_SLOT_RESET_FUNDAMENTAL && !supportsFundamentalReset(t.plan)) return RTAS_OUT_FRESET_NOT_SUPPORTED;
      applyReset(this.machine, t.phbId, resetScopeOf(t.layout, t.plan, isFenced(hw)));
      freezePe(this.machine, t.phbId, t.pe, { mmio: true, dma: true });
      this.disarmInjectionFor(tx, t.pe);
      tx.phb = patchPe(tx.phb, t.pe, { reset: { option, assertedAt: now }, settleUntil: 0, failed: false });
      this.commit(tx);
      return RTAS_OUT_SUCCESS;
    });
  }

  private deassert(t: PeTarget, tx: Tx, rec: PeFirmwareState, now: number): number {
    if (!rec.reset) return RTAS_OUT_SUCCESS; // nothing asserted: nothing to do
    const held = now - rec.reset.assertedAt;
    if (held < RTAS_RESET_HOLD_MIN_MS) return extendedDelayStatus(RTAS_RESET_HOLD_MIN_MS - held);
    const p = this.machine.phbState(t.phbId);
    if (!pathUp(t.layout, p, t.plan.bus)) {
      // The link did not come back: the PE stays frozen, for good.
      tx.phb = patchPe(tx.phb, t.pe, { reset: null, settleUntil: 0, failed: true });
      this.commit(tx);
      return RTAS_OUT_SUCCESS;
    }
    const pes = this.directory.subtree(t.phbId, t.pe);
    this.machine.apply((d) => {
      for (const n of pes) clearFreeze(d.phbs[t.phbId]!.hw, n, true, true);
    });
    for (const n of pes) {
      const r = peRecord(tx.phb, n);
      if (r.capture && !r.healthySinceCapture) tx.phb = patchPe(tx.phb, n, { healthySinceCapture: true });
    }
    tx.phb = patchPe(tx.phb, t.pe, { reset: null, settleUntil: now + RTAS_RESET_SETTLE_MS, failed: false });
    this.commit(tx);
    return RTAS_OUT_SUCCESS;
  }

  // ------------------------------------------------------------------ ibm,read-slot-reset-state2

  /** ibm,read-slot-reset-state2 (3/4 or 3/5): state, supported, delay (slot-state.ts). */
  readSlotResetState2(configAddr: number, buidHi: number, buidLo: number): ReadSlotResetState2Result {
    return this.guard(
      () => {
        const t = this.directory.resolve(configAddr, buidHi, buidLo);
        if (!t) return { status: RTAS_OUT_PARAM_ERROR };
        const tx = this.begin(t.phbId);
        const s = this.slot(t, peRecord(tx.phb, t.pe));
        this.observe(t, tx, s);
        this.commit(tx);
        return { status: RTAS_OUT_SUCCESS, state: s.state, supported: s.supported, delayMs: s.delayMs, recoveryInfo: RTAS_EEH_PE_RECOVER_INFO };
      },
      (status) => ({ status }),
    );
  }

  // ------------------------------------------------------------------ ibm,slot-error-detail

  /**
   * ibm,slot-error-detail (8/1). Writes the PE's error log at the start of `returnBuffer`
   * (the rest of the buffer is left as it was; Linux zeroes it first) and records it in the
   * host platform log. −3 for a severity other than 1 or 2, a buffer longer than
   * rtas-error-log-max (2048), or one too short for the log (nothing is written and the
   * error is not consumed); 1 when the PE has no error to report. The driver log (args 3–4)
   * is accepted and not copied into the log: whether PHyp does is not known (§4.3).
   */
  slotErrorDetail(configAddr: number, buidHi: number, buidLo: number, _driverLog: Uint8Array | null, returnBuffer: Uint8Array, severity: number): SlotErrorDetailResult {
    return this.guard(
      () => {
        const t = this.directory.resolve(configAddr, buidHi, buidLo);
        if (!t) return { status: RTAS_OUT_PARAM_ERROR, length: 0 };
        if (severity !== RTAS_SLOT_TEMP_ERR_LOG && severity !== RTAS_SLOT_PERM_ERR_LOG) return { status: RTAS_OUT_PARAM_ERROR, length: 0 };
        if (returnBuffer.length > this.options.errorLogMax) return { status: RTAS_OUT_PARAM_ERROR, length: 0 };
        const tx = this.begin(t.phbId);
        const s = this.slot(t, peRecord(tx.phb, t.pe));
        this.observe(t, tx, s);
        const capture = peRecord(tx.phb, t.pe).capture;
        if (!capture) {
          this.commit(tx);
          return { status: RTAS_OUT_NO_ERRORS_FOUND, length: 0 };
        }
        const lost = s.condition === "failed" || s.condition === "dead";
        const recovered = severity === RTAS_SLOT_TEMP_ERR_LOG && !lost;
        const input = errorLogInput(capture, recovered, tx.global.nextLogEntryId, this.identity());
        const bytes = buildErrorLogBytes(input, this.options.errorLogMax);
        if (!bytes) return { status: RTAS_OUT_HW_ERROR, length: 0 };
        if (bytes.length > returnBuffer.length) return { status: RTAS_OUT_PARAM_ERROR, length: 0 };
        returnBuffer.set(bytes);
        tx.global = { ...tx.global, nextLogEntryId: tx.global.nextLogEntryId + 1 };
        this.commit(tx);
        this.platformLog.append(returnBuffer, { at: this.clock.now(), phb: t.phbId, pe: t.pe, severity });
        return { status: RTAS_OUT_SUCCESS, length: bytes.length };
      },
      (status) => ({ status, length: 0 }),
    );
  }

  // ------------------------------------------------------------------ ibm,get-config-addr-info2

  /**
   * ibm,get-config-addr-info2 (4/2): function 0 returns the PE config address, function 1
   * the sharing mode (pe-directory.ts). −3 for a BUID or config address naming no function,
   * or another function number.
   */
  getConfigAddrInfo2(configAddr: number, buidHi: number, buidLo: number, fn: number): ConfigAddrInfo2Result {
    return this.guard(
      () => {
        const phbId = this.directory.phbOfBuid(buidHi, buidLo);
        if (phbId === undefined) return { status: RTAS_OUT_PARAM_ERROR };
        const t = this.directory.resolve(configAddr, buidHi, buidLo);
        if (fn === RTAS_GET_PE_ADDR) return t ? { status: RTAS_OUT_SUCCESS, info: t.peConfigAddr } : { status: RTAS_OUT_PARAM_ERROR };
        if (fn === RTAS_GET_PE_MODE) {
          if (t) return { status: RTAS_OUT_SUCCESS, info: peSharingMode(t.plan) };
          const rid = (configAddr >>> 8) & 0xffff;
          return Number.isInteger(configAddr) && this.machine.phbLayout(phbId).fnByRid.has(rid) ? { status: RTAS_OUT_SUCCESS, info: RTAS_PE_MODE_NONE } : { status: RTAS_OUT_PARAM_ERROR };
        }
        return { status: RTAS_OUT_PARAM_ERROR };
      },
      (status) => ({ status }),
    );
  }

  // ------------------------------------------------------------------ ibm,configure-pe / -bridge

  /**
   * ibm,configure-pe (3/1): after a reset, give the bridges of the PE and of the PEs below it
   * their bus numbers back, so config cycles reach the devices behind them (Linux restores
   * BARs and windows itself, linux-eeh.md §3.8). Extended delay while the link still trains;
   * −1 while the reset is asserted, or on a lost PE or dead PHB.
   */
  configurePe(configAddr: number, buidHi: number, buidLo: number): number {
    return this.guard(() => {
      const t = this.directory.resolve(configAddr, buidHi, buidLo);
      if (!t) return RTAS_OUT_PARAM_ERROR;
      const rec = this.peFirmware(t.phbId, t.pe);
      if (this.machine.phbState(t.phbId).hw.broken || rec.failed || rec.reset) return RTAS_OUT_HW_ERROR;
      const now = this.clock.now();
      if (now < rec.settleUntil) return extendedDelayStatus(rec.settleUntil - now);
      const bridges = this.directory
        .subtree(t.phbId, t.pe)
        .flatMap((n) => this.directory.planOf(t.phbId, n)?.rids ?? [])
        .map((rid) => t.layout.fnByRid.get(rid))
        .filter((f): f is PciFunctionSpec => f !== undefined && isBridgeKind(f.kind) && f.secondaryBus !== undefined && f.subordinateBus !== undefined);
      this.machine.apply((d) => {
        const p = d.phbs[t.phbId]!;
        for (const f of bridges) {
          const fn = p.functions[ridOf(f.address)];
          if (!fn) continue;
          let cs = fn.config;
          cs = configWrite(cs, PCI_PRIMARY_BUS, 1, f.address.bus);
          cs = configWrite(cs, PCI_SECONDARY_BUS, 1, f.secondaryBus!);
          cs = configWrite(cs, PCI_SUBORDINATE_BUS, 1, f.subordinateBus!);
          // Assign only on a change, so a PE already configured keeps the same state tree.
          if (!sameBytes(cs.bytes, fn.config.bytes)) fn.config = cs;
        }
      });
      return RTAS_OUT_SUCCESS;
    });
  }

  /** ibm,configure-bridge (3/1): the older name of ibm,configure-pe, same behaviour. */
  configureBridge(configAddr: number, buidHi: number, buidLo: number): number {
    return this.configurePe(configAddr, buidHi, buidLo);
  }

  // ------------------------------------------------------------------ error injection

  /** ibm,open-errinjct (0/2): outputs the open token, then the status (§4.5). */
  openErrinjct(): OpenErrinjctResult {
    if (!this.options.errinjctEnabled) return { token: 0, status: RTAS_OUT_ERRINJCT_NOT_ENABLED };
    const e = this.global.errinjct;
    if (e.openToken !== null) return { token: 0, status: RTAS_OUT_ERRINJCT_ALREADY_OPEN };
    const token = e.nextToken;
    this.global = Object.freeze({ ...this.global, errinjct: Object.freeze({ openToken: token, nextToken: ((token % 0x7fffffff) + 1) }) });
    return { token, status: RTAS_OUT_SUCCESS };
  }

  /** ibm,close-errinjct (1/1). −3 when the facility is not open with this token. */
  closeErrinjct(openToken: number): number {
    const e = this.global.errinjct;
    if (e.openToken === null || openToken !== e.openToken) return RTAS_OUT_PARAM_ERROR;
    this.global = Object.freeze({ ...this.global, errinjct: Object.freeze({ ...e, openToken: null }) });
    return RTAS_OUT_SUCCESS;
  }

  /**
   * ibm,errinjct (3/1): error type token, open token, 1 KiB work area (errinjct-work-area.ts).
   * Only the IOA bus errors (32- and 64-bit) and their memory load/store functions are
   * supported; other types and functions give −3 (QEMU's NOT_SUPPORTED, §6.5), as does a
   * closed or wrong open token (emulator choice: the spec names no code for it) and a work
   * area naming no PE.
   *
   * The injection arms the PHB's PAPR error-injection comparator for the PE's MMIO window
   * (errinjct-arm.ts): nothing freezes now; the next MMIO load (functions 0, 1) or store
   * (6, 7) that matches freezes the PE through the model's own error path, with PESTA and
   * the error registers set as for a real error. The
   * address is a PCI bus address as the BAR holds it (0: the PE's first window); firmware
   * translates an M32 address to the CPU address the comparator sees (M64 is identity-
   * mapped), and a 32-bit mask covers the low 32 bits only. The comparator is sticky while
   * PAPR injects one error, so firmware disarms it when it thaws or resets that PE.
   */
  errinjct(errorType: number, openToken: number, workArea: Uint8Array): number {
    return this.guard(() => {
      const e = this.global.errinjct;
      if (e.openToken === null || openToken !== e.openToken) return RTAS_OUT_PARAM_ERROR;
      if (!RTAS_ERRINJCT_TOKENS.some(([, tok]) => tok === errorType)) return RTAS_OUT_PARAM_ERROR;
      if (errorType !== RTAS_ERR_TYPE_IOA_BUS_ERROR && errorType !== RTAS_ERR_TYPE_IOA_BUS_ERROR_64) return RTAS_OUT_NOT_SUPPORTED;
      const req = decodeIoaBusErrorWorkArea(errorType, workArea);
      if (!req) return RTAS_OUT_PARAM_ERROR;
      if (!PSERIES_ERRINJCT_FUNCS.includes(req.func)) return RTAS_OUT_NOT_SUPPORTED;
      const t = this.directory.resolve(req.configAddr, req.buidHi, req.buidLo);
      if (!t) return RTAS_OUT_PARAM_ERROR;
      if (this.machine.phbState(t.phbId).hw.broken) return RTAS_OUT_HW_ERROR;
      let addr = req.addr;
      let mask = req.mask;
      if (req.type === EEH_ERR_TYPE_32) {
        addr = addr >= M32_PCI_BASE ? m32CpuBase(t.layout.slot) + (addr - M32_PCI_BASE) : 0n;
        mask = 0xffff_ffff_0000_0000n | mask;
      }
      const r = armMmioInjection(this.machine, t.layout, { pe: t.pe, type: req.type, func: req.func, addr, mask });
      if (!r.ok) return RTAS_OUT_PARAM_ERROR;
      const tx = this.begin(t.phbId);
      tx.phb = Object.freeze({ ...tx.phb, injectionPe: t.pe });
      this.commit(tx);
      return RTAS_OUT_SUCCESS;
    });
  }

  // ------------------------------------------------------------------ internals

  private identity(): SystemIdentity {
    return { machineTypeModel: this.options.machineTypeModel, serialNumber: this.options.serialNumber, partitionId: this.options.partitionId };
  }

  private slot(t: PeTarget, rec: PeFirmwareState): SlotState {
    const hw = this.machine.phbState(t.phbId).hw;
    return slotState({ fw: rec, dead: hw.broken, freeze: this.machine.peFreezeState(t.phbId, t.pe), now: this.clock.now() });
  }

  /**
   * Detection: a PE seen frozen or lost whose last error is older than its last healthy
   * moment (or that never had one) gets a new error capture; a PE seen healthy closes the
   * last one.
   */
  private observe(t: PeTarget, tx: Tx, s: SlotState): void {
    const rec = peRecord(tx.phb, t.pe);
    if (s.condition === "frozen" || s.condition === "failed" || s.condition === "dead") {
      if (rec.capture && !rec.healthySinceCapture) return;
      const capture: EehCapture = captureEehError({
        machine: this.machine,
        phbId: t.phbId,
        layout: t.layout,
        plan: t.plan,
        peConfigAddr: t.peConfigAddr,
        buid: t.buid,
        plid: tx.global.nextPlid,
        timestamp: this.options.epochMs + this.clock.now(),
      });
      tx.global = { ...tx.global, nextPlid: tx.global.nextPlid + 1 };
      tx.phb = patchPe(tx.phb, t.pe, { capture, healthySinceCapture: false });
    } else if (s.condition === "normal" && rec.capture && !rec.healthySinceCapture) {
      tx.phb = patchPe(tx.phb, t.pe, { healthySinceCapture: true });
    }
  }

  private disarmInjectionFor(tx: Tx, pe: number): void {
    if (tx.phb.injectionPe !== pe) return;
    disarmErrInject(this.machine, tx.phbId);
    tx.phb = Object.freeze({ ...tx.phb, injectionPe: null });
  }

  private begin(phbId: number): Tx {
    return { phbId, phb: this.phbFirmware(phbId), global: this.global };
  }

  private commit(tx: Tx): void {
    if (tx.phb !== this.phbFirmware(tx.phbId)) this.phbs.set(tx.phbId, tx.phb);
    if (tx.global !== this.global) this.global = Object.freeze(tx.global);
  }

  /**
   * RTAS never throws at its caller: a typed failure from the layers below (e.g. a PHB that
   * died between the checks and the operation) is a hardware error. Anything else is a bug
   * and propagates.
   */
  private guard<R>(body: () => R, wrap?: (status: number) => R): R {
    try {
      return body();
    } catch (e) {
      if (!(e instanceof EehError)) throw e;
      return wrap ? wrap(RTAS_OUT_HW_ERROR) : (RTAS_OUT_HW_ERROR as R);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
