// OPAL, the PowerNV firmware, as far as PCI EEH goes (powernv-opal.md §2.3, §6, §9): the
// OPAL_PCI_* EEH calls over the PHB models, with skiboot's per-PHB "error pending" state,
// the EEH event bitmap behind OPAL_EVENT_PCI_ERROR, and the slot reset machines. Like the
// real firmware it never throws at its caller: bad arguments come back as OPAL return
// codes and change nothing.
//
// The machine's events act as the PHB error interrupt (phb3_err_interrupt): a freeze or
// fence marks the PHB error-pending, raises OPAL_EVENT_PCI_ERROR, and — so the log shows
// what happened at the moment it happened — the diag blob is captured then too.

import type { VirtualClock } from "../../core/clock.js";
import { EehError } from "../../core/errors.js";
import { ppcBit } from "../../core/bits.js";
import { configWrite } from "../../pci/config-space.js";
import { aerCapOffset } from "../../pci/aer-capability.js";
import { PCI_ERR_COR_STATUS, PCI_ERR_ROOT_STATUS, PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_MALF_TLP, PCI_EXP_DEVSTA, PCI_SEC_STATUS, PCI_STATUS } from "../../pci/regs.js";
import { PCI_EXP_CAP_BASE, configRead } from "../../pci/config-space.js";
import type { Machine } from "../../ioda/machine.js";
import type { HwEvent } from "../../ioda/machine-state.js";
import { armErrInject, completeReset, disarmErrInject, purgeIodaTables, resetBelow } from "../../ioda/faults.js";
import { clearErrorRegisters, clearFreeze, fencePhb, isFenced, modelOf, peev, setFreeze, type PhbState } from "../../ioda/phb-engine.js";
import { PEST_FROZEN, PESTA_MMIO_CAUSE } from "../../ioda/pest.js";
import { isBridgeKind } from "../../pci/topology.js";
import { encodePhbDiag } from "../../log/opal/encode.js";
import type { PhbDiagData } from "../../log/opal/types.js";
import { capturePhbDiag } from "./diag-capture.js";
import { classify, type Classified } from "./classify.js";
import * as O from "./opal-api.js";
import { DEFAULT_RESET_TIMINGS, msToWait, resetSteps, type ResetKind, type ResetTimings, type SlotResetState } from "./slot-reset.js";

/** What OPAL_PCI_NEXT_ERROR leaves in first_frozen_pe when the backend never wrote it. */
export const FIRST_FROZEN_PE_UNWRITTEN = 0xbadbadbadbadbad0n;
const NO_FROZEN_PE = 0xffffffffffffffffn;

export interface FreezeStatusResult {
  readonly rc: number;
  readonly freezeState: number;
  readonly pciErrorType: number;
}

export interface NextErrorResult {
  readonly rc: number;
  /** Meaningless (FIRST_FROZEN_PE_UNWRITTEN) for a dead PHB, as in skiboot (§9 item 3). */
  readonly firstFrozenPe: bigint;
  readonly pciErrorType: number;
  readonly severity: number;
}

export interface DiagDataResult {
  readonly rc: number;
  /** The caller's buffer of `len` bytes, filled (present when rc is OPAL_SUCCESS). */
  readonly buffer?: Uint8Array;
}

/** A diag blob captured when the hardware froze or fenced (the platform's log store). */
export interface CapturedDiag {
  readonly time: number;
  readonly phbId: number;
  readonly reason: string;
  readonly data: PhbDiagData;
  readonly bytes: Uint8Array;
}

interface PhbFirmwareState {
  pending: boolean;
  cls: Classified;
}

export interface OpalOptions {
  readonly resetTimings?: Partial<ResetTimings>;
  /** skiboot `verbose_eeh`: dump registers to the OPAL console on diag reads. */
  readonly verboseEeh?: boolean;
}

export class OpalFirmware {
  /** Diag blobs captured at freeze/fence time, oldest first. */
  readonly diagLog: CapturedDiag[] = [];
  /** The OPAL console (skiboot's own log lines). */
  readonly console: string[] = [];
  private readonly fw = new Map<number, PhbFirmwareState>();
  /** PHBs with an EEH event outstanding (skiboot's EEH-event bitmap). */
  private readonly eventBits = new Set<number>();
  private readonly resets = new Map<bigint, SlotResetState>();
  private readonly timings: ResetTimings;

  constructor(
    readonly machine: Machine,
    readonly clock: VirtualClock,
    readonly options: OpalOptions = {},
  ) {
    this.timings = { ...DEFAULT_RESET_TIMINGS, ...options.resetTimings };
    for (const id of machine.layout.phbs.keys()) this.fw.set(id, { pending: false, cls: { src: "none", cls: "none", bit: -1 } });
    machine.onEvents((events) => this.errorInterrupt(events));
  }

  // ------------------------------------------------------------------ events

  /** The OPAL pending-event mask: OPAL_EVENT_PCI_ERROR while any PHB has an EEH event. */
  pendingEvents(): number {
    return this.eventBits.size > 0 ? O.OPAL_EVENT_PCI_ERROR : 0;
  }

  /** Whether PHB `phbId` has an error pending in firmware. */
  errorPending(phbId: number): boolean {
    return this.fw.get(phbId)?.pending ?? false;
  }

  private errorInterrupt(events: readonly HwEvent[]): void {
    for (const e of events) {
      if (e.kind !== "freeze" && e.kind !== "fence" && e.kind !== "dead") continue;
      const st = this.fw.get(e.phb)!;
      st.pending = true;
      this.eventBits.add(e.phb);
      const reason = e.kind === "freeze" ? `${e.error} froze PE#${e.pe.toString(16)}` : e.kind === "fence" ? `fence (${e.error})` : "PHB dead";
      const data = capturePhbDiag(this.machine.phbState(e.phb));
      this.diagLog.push({ time: this.clock.now(), phbId: e.phb, reason, data, bytes: encodePhbDiag(data) });
    }
  }

  // ------------------------------------------------------------------ helpers

  private phb(phbId: number): PhbState | undefined {
    if (!Number.isInteger(phbId) || !this.machine.layout.phbs.has(phbId)) return undefined;
    return this.machine.phbState(phbId).hw;
  }

  private log(phbId: number, text: string): void {
    this.console.push(`PHB#${phbId.toString(16).padStart(4, "0")}: ${text}`);
  }

  /** PHB_ETU_ERR_SUMMARY: all ones through a fenced AIB, else non-zero when any error is latched. */
  private etuErrSummary(hw: PhbState): bigint {
    if (isFenced(hw)) return 0xffffffffffffffffn;
    const g = hw.regs.groups;
    return g.phb.status | g.out.status | g.ina.status | g.inb.status | hw.regs.lemFir;
  }

  /**
   * The ER-clear sequence (§6.4): clear the root port's PCIe Device Status error bits,
   * its AER UE/CE/root status and secondary status (RW1C writes), and the PHB's error
   * registers — what resets the diag words between incidents.
   */
  private erClear(phbId: number): void {
    this.machine.apply((d) => {
      const p = d.phbs[phbId]!;
      const root = p.functions[0];
      if (root) {
        let cs = root.config;
        cs = configWrite(cs, PCI_SEC_STATUS, 2, 0xffff);
        cs = configWrite(cs, PCI_STATUS, 2, 0xffff);
        cs = configWrite(cs, PCI_EXP_CAP_BASE + PCI_EXP_DEVSTA, 2, 0x000f);
        const aer = aerCapOffset(cs);
        if (aer) {
          for (const off of [PCI_ERR_UNCOR_STATUS, PCI_ERR_COR_STATUS, PCI_ERR_ROOT_STATUS]) cs = configWrite(cs, aer + off, 4, 0xffffffff);
        }
        root.config = cs;
      }
      clearErrorRegisters(p.hw);
    });
  }

  private rescanPeev(phbId: number): void {
    const st = this.fw.get(phbId)!;
    const words = peev(this.machine.phbState(phbId).hw);
    if (words.some((w) => w !== 0n)) {
      st.pending = true;
      if (st.cls.cls === "none") st.cls = { src: "phb", cls: "er", bit: -1 };
    } else {
      st.pending = false;
      st.cls = { src: "none", cls: "none", bit: -1 };
    }
  }

  // ------------------------------------------------------------------ OPAL_PCI_EEH_FREEZE_STATUS

  /**
   * OPAL_PCI_EEH_FREEZE_STATUS(phb_id, pe, &freeze_state, &pci_error_type, phb_status).
   * `phbStatusPointer` models the deprecated non-NULL phb_status argument.
   */
  eehFreezeStatus(phbId: number, pe: number, phbStatusPointer = false): FreezeStatusResult {
    const hw = this.phb(phbId);
    if (!hw) return { rc: O.OPAL_PARAMETER, freezeState: 0, pciErrorType: O.OPAL_EEH_NO_ERROR };
    if (phbStatusPointer) this.log(phbId, "eeh_freeze_status: deprecated PHB status");
    const st = this.fw.get(phbId)!;
    const stopped = { rc: O.OPAL_SUCCESS, freezeState: O.OPAL_EEH_STOPPED_MMIO_DMA_FREEZE, pciErrorType: O.OPAL_EEH_PHB_ERROR };
    if (hw.broken) return hw.model === "ioda2" ? { ...stopped, rc: O.OPAL_HARDWARE } : stopped;
    if (isFenced(hw)) return stopped;
    // pe is not range-checked: a PEEV word past the table reads as zero.
    const word = peev(hw)[Math.floor(pe / 64)] ?? 0n;
    if (!Number.isInteger(pe) || pe < 0 || !(word & (1n << BigInt(63 - (pe % 64))))) {
      return { rc: O.OPAL_SUCCESS, freezeState: O.OPAL_EEH_STOPPED_NOT_FROZEN, pciErrorType: O.OPAL_EEH_NO_ERROR };
    }
    st.pending = true;
    if (st.cls.cls === "none") st.cls = { src: "phb", cls: "er", bit: -1 };
    const a = hw.pestA[pe]!;
    const b = hw.pestB[pe]!;
    const freezeState = (a & PEST_FROZEN ? O.OPAL_EEH_STOPPED_MMIO_FREEZE : 0) | (b & PEST_FROZEN ? O.OPAL_EEH_STOPPED_DMA_FREEZE : 0);
    // PHB3 leaves the type at NO_ERROR; P7IOC names the cause from PESTA bit 2.
    const pciErrorType = hw.model === "ioda2" ? O.OPAL_EEH_NO_ERROR : a & PESTA_MMIO_CAUSE ? O.OPAL_EEH_PE_MMIO_ERROR : O.OPAL_EEH_PE_DMA_ERROR;
    return { rc: O.OPAL_SUCCESS, freezeState, pciErrorType };
  }

  // ------------------------------------------------------------------ OPAL_PCI_EEH_FREEZE_CLEAR / SET

  /** OPAL_PCI_EEH_FREEZE_CLEAR(phb_id, pe, token): neither pe nor token is validated (§2.3). */
  eehFreezeClear(phbId: number, pe: number, token: number): number {
    const hw = this.phb(phbId);
    if (!hw) return O.OPAL_PARAMETER;
    if (hw.model === "ioda2") {
      if (hw.broken) return O.OPAL_HARDWARE;
      const summary = this.etuErrSummary(hw);
      if (summary === 0xffffffffffffffffn && isFenced(hw)) {
        this.log(phbId, "eeh_freeze_clear on fenced PHB");
        return O.OPAL_HARDWARE;
      }
      if (summary !== 0n) this.erClear(phbId);
    } else if (this.etuErrSummary(hw) !== 0n && !isFenced(hw)) {
      this.erClear(phbId);
    }
    const inRange = Number.isInteger(pe) && pe >= 0 && pe < modelOf(hw).numPes;
    if (inRange && (token & 3)) {
      this.machine.apply((d) => clearFreeze(d.phbs[phbId]!.hw, pe, (token & 1) !== 0, (token & 2) !== 0));
    }
    this.rescanPeev(phbId);
    return O.OPAL_SUCCESS;
  }

  /** OPAL_PCI_EEH_FREEZE_SET(phb_id, pe, token). */
  eehFreezeSet(phbId: number, pe: number, token: number): number {
    const hw = this.phb(phbId);
    if (!hw) return O.OPAL_PARAMETER;
    if (hw.model === "ioda2" && hw.broken) return O.OPAL_HARDWARE;
    const model = modelOf(hw);
    if (!Number.isInteger(pe) || pe < 0 || pe >= model.numPes) return O.OPAL_PARAMETER;
    if (token !== 1 && token !== 2 && token !== 3) return O.OPAL_PARAMETER;
    this.machine.apply((d) => setFreeze(d.phbs[phbId]!.hw, pe, (token & 1) !== 0, (token & 2) !== 0));
    return O.OPAL_SUCCESS;
  }

  // ------------------------------------------------------------------ OPAL_PCI_NEXT_ERROR

  /** OPAL_PCI_NEXT_ERROR(phb_id, &first_frozen_pe, &pci_error_type, &severity). */
  nextError(phbId: number): NextErrorResult {
    const hw = this.phb(phbId);
    if (!hw) return { rc: O.OPAL_PARAMETER, firstFrozenPe: FIRST_FROZEN_PE_UNWRITTEN, pciErrorType: 0, severity: 0 };
    // The wrapper first drops this PHB's EEH event bit.
    this.eventBits.delete(phbId);
    return hw.model === "ioda2" ? this.nextErrorPhb3(phbId, hw) : this.nextErrorP7ioc(phbId, hw);
  }

  private answer(type: number, severity: number, firstFrozenPe = NO_FROZEN_PE): NextErrorResult {
    return { rc: O.OPAL_SUCCESS, firstFrozenPe, pciErrorType: type, severity };
  }

  /** ER escalated to fence: LEM FIR bit 60 and Malformed TLP in the root port's AER UE status. */
  private malformedTlpEscalation(phbId: number, hw: PhbState): boolean {
    if (!(hw.regs.lemFir & ppcBit(60))) return false;
    const root = this.machine.phbState(phbId).functions[0];
    const aer = root ? aerCapOffset(root.config) : 0;
    return aer !== 0 && (configRead(root!.config, aer + PCI_ERR_UNCOR_STATUS, 4) & PCI_ERR_UNC_MALF_TLP) !== 0;
  }

  private nextErrorPhb3(phbId: number, hw: PhbState): NextErrorResult {
    const st = this.fw.get(phbId)!;
    if (hw.broken) return { rc: O.OPAL_SUCCESS, firstFrozenPe: FIRST_FROZEN_PE_UNWRITTEN, pciErrorType: O.OPAL_EEH_PHB_ERROR, severity: O.OPAL_EEH_SEV_PHB_DEAD };
    if (st.pending) {
      const c = classify(hw);
      if (c.cls === "none") st.pending = false;
      else st.cls = c;
    }
    const words = peev(hw);
    if (!st.pending && words.some((w) => w !== 0n)) {
      st.pending = true;
      st.cls = { src: "phb", cls: "er", bit: -1 };
    }
    if (!st.pending) return this.answer(O.OPAL_EEH_NO_ERROR, O.OPAL_EEH_SEV_NO_ERROR);
    if (st.cls.cls === "er" && this.malformedTlpEscalation(phbId, hw)) st.cls = { ...st.cls, cls: "fenced" };
    switch (st.cls.cls) {
      case "dead":
        return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_PHB_DEAD);
      case "fenced":
        return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_PHB_FENCED);
      case "inf":
        // PHB3 keeps an INF pending until the OS reads the diag data.
        return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_INF);
      default: {
        // Lowest PE of the highest-numbered non-zero PEEV word (words 3→0, bits MSB-first).
        for (let w = words.length - 1; w >= 0; w--) {
          const word = words[w]!;
          if (word === 0n) continue;
          for (let i = 0; i < 64; i++) if (word & (1n << BigInt(63 - i))) return this.answer(O.OPAL_EEH_PE_ERROR, O.OPAL_EEH_SEV_PE_ER, BigInt(w * 64 + i));
        }
        st.pending = false;
        st.cls = { src: "none", cls: "none", bit: -1 };
        return this.answer(O.OPAL_EEH_NO_ERROR, O.OPAL_EEH_SEV_NO_ERROR);
      }
    }
  }

  // The IOC-level (GEM) check of §6.2 has nothing to find: the hub units are not modelled.
  private nextErrorP7ioc(phbId: number, hw: PhbState): NextErrorResult {
    const st = this.fw.get(phbId)!;
    if (hw.broken) return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_PHB_DEAD);
    if (isFenced(hw)) {
      st.pending = false;
      return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_PHB_FENCED);
    }
    const words = peev(hw);
    let c: Classified = st.pending ? classify(hw) : { src: "none", cls: "none", bit: -1 };
    if (words.some((w) => w !== 0n) && (c.cls === "none" || c.cls === "er")) c = { src: "phb", cls: "er", bit: c.bit };
    if (c.cls === "er" && this.malformedTlpEscalation(phbId, hw)) c = { ...c, cls: "fenced" };
    st.cls = c;
    switch (c.cls) {
      case "none":
      case "dead":
        st.pending = false;
        return this.answer(O.OPAL_EEH_NO_ERROR, O.OPAL_EEH_SEV_NO_ERROR);
      case "fenced":
        st.pending = false;
        return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_PHB_FENCED);
      case "inf":
        st.pending = false;
        return this.answer(O.OPAL_EEH_PHB_ERROR, O.OPAL_EEH_SEV_INF);
      case "er": {
        // P7IOC checks PEs 64..127 (word 1) first, then word 0.
        for (const w of [1, 0]) {
          const word = words[w] ?? 0n;
          for (let i = 0; i < 64; i++) if (word & (1n << BigInt(63 - i))) return this.answer(O.OPAL_EEH_PE_ERROR, O.OPAL_EEH_SEV_PE_ER, BigInt(w * 64 + i));
        }
        st.pending = false;
        return this.answer(O.OPAL_EEH_NO_ERROR, O.OPAL_EEH_SEV_NO_ERROR);
      }
    }
  }

  // ------------------------------------------------------------------ OPAL_PCI_GET_PHB_DIAG_DATA2

  /** Size of the PHB's diag blob (DT `ibm,phb-diag-data-size`). */
  diagDataSize(phbId: number): number | undefined {
    const hw = this.phb(phbId);
    return hw ? (hw.model === "ioda2" ? 4392 : 2320) : undefined;
  }

  /** OPAL_PCI_GET_PHB_DIAG_DATA2(phb_id, buf, len). Reading acknowledges an INF error (§9 item 6). */
  getPhbDiagData2(phbId: number, len: number): DiagDataResult {
    const hw = this.phb(phbId);
    const size = this.diagDataSize(phbId);
    if (!hw || size === undefined) return { rc: O.OPAL_PARAMETER };
    if (!Number.isInteger(len) || len < size) return { rc: O.OPAL_PARAMETER };
    if (hw.model === "ioda2" && hw.broken) return { rc: O.OPAL_HARDWARE };
    const data = capturePhbDiag(this.machine.phbState(phbId));
    const buffer = new Uint8Array(len);
    buffer.set(encodePhbDiag(data));
    if (this.options.verboseEeh && !isFenced(hw)) this.log(phbId, "Error detected!");
    const st = this.fw.get(phbId)!;
    if (st.pending && st.cls.cls === "inf" && st.cls.src === "phb") {
      this.erClear(phbId);
      st.pending = false;
      st.cls = { src: "none", cls: "none", bit: -1 };
    }
    return { rc: O.OPAL_SUCCESS, buffer };
  }

  // ------------------------------------------------------------------ OPAL_PCI_ERR_INJECT

  /** OPAL_PCI_ERR_INJECT(phb_id, pe, type, func, addr, mask): arms the comparator (§5). */
  errInject(phbId: number, pe: number, type: number, func: number, addr: bigint, mask: bigint): number {
    if (!this.phb(phbId)) return O.OPAL_PARAMETER;
    if (type !== O.OPAL_ERR_INJECT_TYPE_IOA_BUS_ERR && type !== O.OPAL_ERR_INJECT_TYPE_IOA_BUS_ERR64) return O.OPAL_PARAMETER;
    try {
      const r = armErrInject(this.machine, phbId, { pe, type, func, addr, mask });
      if (r.ok) return O.OPAL_SUCCESS;
      return r.status === "parameter" ? O.OPAL_PARAMETER : r.status === "unsupported" ? O.OPAL_UNSUPPORTED : O.OPAL_HARDWARE;
    } catch (e) {
      if (e instanceof EehError) return O.OPAL_PARAMETER;
      throw e;
    }
  }

  // ------------------------------------------------------------------ OPAL_PCI_RESET / OPAL_PCI_POLL

  /**
   * OPAL_PCI_RESET(id, scope, assert). `id` is a slot id: the PHB's OPAL id, or
   * PCI_SLOT_ID(phb, bdfn) for the slot below a bridge. Returns OPAL_SUCCESS, a positive
   * number of milliseconds to wait before OPAL_PCI_POLL, or an error.
   */
  pciReset(id: bigint | number, scope: number, assert: number): number {
    const slotId = BigInt(id);
    const { phbId, bdfn } = O.parseSlotId(slotId);
    const hw = this.phb(phbId);
    if (!hw) return O.OPAL_PARAMETER;
    if (bdfn !== undefined) {
      const f = this.machine.phbLayout(phbId).fnByRid.get(bdfn);
      if (!f || !isBridgeKind(f.kind)) return O.OPAL_PARAMETER;
    }
    if (assert !== O.OPAL_ASSERT_RESET && assert !== O.OPAL_DEASSERT_RESET) return O.OPAL_PARAMETER;
    const phbSlot = bdfn === undefined;
    let kind: ResetKind | undefined;
    switch (scope) {
      case O.OPAL_RESET_PHB_COMPLETE:
        if (!phbSlot) return O.OPAL_UNSUPPORTED;
        kind = "creset";
        break;
      case O.OPAL_RESET_PCI_FUNDAMENTAL:
        kind = "freset";
        break;
      case O.OPAL_RESET_PCI_HOT:
        kind = "hreset";
        break;
      case O.OPAL_RESET_PCI_IODA_TABLE:
        if (!phbSlot) return O.OPAL_UNSUPPORTED;
        if (assert === O.OPAL_DEASSERT_RESET) return O.OPAL_SUCCESS;
        if (hw.broken) return O.OPAL_HARDWARE;
        purgeIodaTables(this.machine, phbId);
        return O.OPAL_SUCCESS;
      case O.OPAL_RESET_PHB_ERROR:
        if (!phbSlot) return O.OPAL_UNSUPPORTED;
        if (assert === O.OPAL_DEASSERT_RESET) return O.OPAL_SUCCESS;
        disarmErrInject(this.machine, phbId);
        return O.OPAL_SUCCESS;
      default:
        return O.OPAL_UNSUPPORTED;
    }
    if (assert === O.OPAL_DEASSERT_RESET) return O.OPAL_SUCCESS; // accepted, does nothing (§2.3)
    if (hw.broken) return O.OPAL_HARDWARE;
    if (this.resets.has(slotId)) return O.OPAL_BUSY;
    const steps = resetSteps(kind, this.timings);
    const state: SlotResetState = { kind, phbId, bdfn, steps, step: 0, dueAt: this.clock.now() + steps[0]!.waitMs };
    this.resets.set(slotId, state);
    this.runStepAction(state, steps[0]!.name);
    return steps[0]!.waitMs;
  }

  /** OPAL_PCI_POLL(id): >0 ms to wait, 0 done, <0 error. */
  pciPoll(id: bigint | number): number {
    const slotId = BigInt(id);
    const { phbId } = O.parseSlotId(slotId);
    if (!this.phb(phbId)) return O.OPAL_PARAMETER;
    const state = this.resets.get(slotId);
    if (!state) return O.OPAL_SUCCESS;
    const now = this.clock.now();
    if (now < state.dueAt) return msToWait(state.dueAt, now);
    state.step++;
    const next = state.steps[state.step];
    if (next) {
      this.runStepAction(state, next.name);
      state.dueAt = now + next.waitMs;
      return next.waitMs;
    }
    this.resets.delete(slotId);
    // The last wait was link training: the link must be up now.
    const p = this.machine.phbState(phbId);
    if (p.hw.broken) return O.OPAL_HARDWARE;
    const port = p.functions[state.bdfn ?? 0];
    if (port && !port.linkUp) {
      this.log(phbId, `link training timed out on ${state.bdfn === undefined ? "the root port" : `slot ${state.bdfn.toString(16)}`}`);
      return O.OPAL_HARDWARE;
    }
    return O.OPAL_SUCCESS;
  }

  /** Whether a reset machine is running on a slot. */
  resetInProgress(id: bigint | number): boolean {
    return this.resets.has(BigInt(id));
  }

  private runStepAction(s: SlotResetState, step: string): void {
    const m = this.machine;
    const bridge = s.bdfn ?? 0;
    const address = this.machine.phbLayout(s.phbId).fnByRid.get(bridge)!.address;
    switch (step) {
      case "fence-and-drain":
        // creset fences the PHB first if it is not fenced already.
        if (!isFenced(m.phbState(s.phbId).hw)) m.apply((d) => fencePhb(d.phbs[s.phbId]!.hw));
        break;
      case "reinit-and-perst":
        completeReset(m, s.phbId);
        this.fw.set(s.phbId, { pending: false, cls: { src: "none", cls: "none", bit: -1 } });
        this.eventBits.delete(s.phbId);
        break;
      case "perst-assert":
      case "sbr-assert":
        resetBelow(m, address);
        break;
    }
  }
}
