// Linux's powernv EEH platform ops (eeh-powernv.c) over OPAL (powernv-opal.md §7): how the
// OPAL freeze states map to EEH_STATE bits, how next_error turns OPAL's answer into an
// EEH_NEXT_ERR and a PE, and which OPAL reset each kind of PE gets. The Linux log lines
// are those of §4.6.

import type { VirtualClock } from "../../core/clock.js";
import { formatPciAddress } from "../../pci/address.js";
import type { Machine } from "../../ioda/machine.js";
import { functionLevelReset } from "../../ioda/faults.js";
import { getPe, peMarkIsolated, type PeRef } from "../../ioda/pe/pe-tree.js";
import { EEH_PE_ISOLATED, EEH_PE_REMOVED, EEH_PE_RESET, EEH_PE_VF } from "../../ioda/pe/pe-flags.js";
import { decodePhbDiag } from "../../log/opal/decode.js";
import { printPhbDiag } from "../../log/dmesg/print-diag.js";
import {
  EEH_NEXT_ERR_DEAD_PHB,
  EEH_NEXT_ERR_FENCED_PHB,
  EEH_NEXT_ERR_FROZEN_PE,
  EEH_NEXT_ERR_NONE,
  EEH_OPT_DISABLE,
  EEH_OPT_ENABLE,
  EEH_OPT_FREEZE_PE,
  EEH_OPT_THAW_DMA,
  EEH_OPT_THAW_MMIO,
  EEH_PE_RST_HOLD_TIME,
  EEH_PE_RST_SETTLE_TIME,
  EEH_RESET_DEACTIVATE,
  EEH_RESET_FUNDAMENTAL,
  EEH_RESET_HOT,
  EEH_STATE_DMA_ACTIVE,
  EEH_STATE_DMA_ENABLED,
  EEH_STATE_MMIO_ACTIVE,
  EEH_STATE_MMIO_ENABLED,
  EEH_STATE_NOT_SUPPORT,
  EEH_STATE_OK,
  EEH_STATE_RESET_ACTIVE,
  EEH_STATE_UNAVAILABLE,
  EINVAL,
  EIO,
  EPERM,
  ERANGE,
  type EehOps,
  type EehPeRef,
  type GetStateResult,
  type KernelLog,
  type NextErrorResult,
  type PlatformLog,
} from "../eeh-ops.js";
import * as O from "./opal-api.js";
import type { OpalFirmware } from "./opal.js";

const PNV_UNAVAILABLE_DELAY = 1000;

export interface PnvOptions {
  /** `eeh=early_log`: dump diag data as soon as a freeze is detected. */
  readonly earlyLog?: boolean;
}

export class PnvEehOps implements EehOps {
  readonly name = "powernv" as const;
  /** pe->data: the diag blob fetched when the PE was isolated, per "phb:pe". */
  private readonly peData = new Map<string, Uint8Array>();

  constructor(
    readonly opal: OpalFirmware,
    readonly clock: VirtualClock,
    readonly log: KernelLog,
    readonly options: PnvOptions = {},
  ) {}

  private get machine(): Machine {
    return this.opal.machine;
  }

  private key(pe: EehPeRef): string {
    return `${pe.phbId}:${pe.pe}`;
  }

  private peNumber(pe: EehPeRef): number {
    return pe.pe === "phb" ? 0 : pe.pe;
  }

  private hex(n: number): string {
    return n.toString(16);
  }

  /** `ibm,io-base-loc-code` of the root bus, or N/A. */
  phbLocation(phbId: number): string {
    return this.machine.phbLayout(phbId).spec.location ?? "N/A";
  }

  /** `ibm,slot-location-code` of the PE's first device (walking up), or N/A. */
  peLocation(pe: EehPeRef): string {
    if (pe.pe === "phb") return this.phbLocation(pe.phbId);
    const pl = this.machine.phbLayout(pe.phbId);
    const tree = this.machine.phbState(pe.phbId).peTree;
    const rid = getPe(tree, pe.pe).rids[0];
    const f = rid === undefined ? undefined : pl.fnByRid.get(rid);
    return f?.location ?? "N/A";
  }

  private isolated(pe: EehPeRef): boolean {
    return (getPe(this.machine.phbState(pe.phbId).peTree, pe.pe).state & EEH_PE_ISOLATED) !== 0;
  }

  private markIsolated(pe: EehPeRef): void {
    this.machine.apply((d) => peMarkIsolated(d.phbs[pe.phbId]!.peTree, pe.pe));
  }

  /** Fetch the PHB diag blob into pe->data (and dump it at once with early_log). */
  private fetchDiag(pe: EehPeRef): void {
    const size = this.opal.diagDataSize(pe.phbId)!;
    const r = this.opal.getPhbDiagData2(pe.phbId, size);
    if (r.rc !== O.OPAL_SUCCESS) {
      this.log.line("warn", `pnv_pci_get_phb_diag_data: Failure ${r.rc} getting PHB#${this.hex(pe.phbId)} diag-data`, { phb: pe.phbId });
      return;
    }
    this.peData.set(this.key(pe), r.buffer!);
    if (this.options.earlyLog) this.dumpDiag(pe.phbId, r.buffer!);
  }

  /** pnv_pci_dump_phb_diag_data: the pr_info lines, no prefix (§4.1). */
  private diagLines(phbId: number, bytes: Uint8Array): string[] {
    const domain = this.machine.phbLayout(phbId).spec.domain;
    return printPhbDiag(decodePhbDiag(bytes), { domain, format: "mainline" });
  }

  private dumpDiag(phbId: number, bytes: Uint8Array): void {
    for (const l of this.diagLines(phbId, bytes)) this.log.line("info", l, { phb: phbId });
  }

  // ------------------------------------------------------------------ get_state (§7.2)

  getState(pe: EehPeRef): GetStateResult {
    return pe.pe === "phb" ? this.getPhbState(pe) : this.getPeState(pe);
  }

  private getPhbState(pe: EehPeRef): GetStateResult {
    const r = this.opal.eehFreezeStatus(pe.phbId, 0);
    if (r.rc !== O.OPAL_SUCCESS) {
      this.log.line("warn", `pnv_eeh_get_phb_state: Failure ${r.rc} getting PHB#${this.hex(pe.phbId)} state`, { phb: pe.phbId });
      return { state: EEH_STATE_NOT_SUPPORT, delay: 0 };
    }
    if (r.pciErrorType !== O.OPAL_EEH_PHB_ERROR) return { state: EEH_STATE_OK, delay: 0 };
    if (!this.isolated(pe)) {
      this.markIsolated(pe);
      this.fetchDiag(pe);
    }
    return { state: 0, delay: 0 };
  }

  private getPeState(pe: EehPeRef): GetStateResult {
    const n = this.peNumber(pe);
    const tree = this.machine.phbState(pe.phbId).peTree;
    if (getPe(tree, pe.pe).state & EEH_PE_RESET) return { state: EEH_STATE_OK, delay: 0 };
    const r = this.opal.eehFreezeStatus(pe.phbId, n);
    let fstate = r.freezeState;
    if (r.rc !== O.OPAL_SUCCESS) {
      this.log.line("warn", `pnv_ioda_get_pe_state: Failure ${r.rc} getting PHB#${this.hex(pe.phbId)}-PE${this.hex(n)} state`, { phb: pe.phbId, pe: n });
      fstate = O.OPAL_EEH_STOPPED_TEMP_UNAVAIL;
    }
    let result: GetStateResult;
    switch (fstate) {
      case O.OPAL_EEH_STOPPED_NOT_FROZEN:
        result = { state: EEH_STATE_OK, delay: 0 };
        break;
      case O.OPAL_EEH_STOPPED_MMIO_FREEZE:
        result = { state: EEH_STATE_DMA_ACTIVE | EEH_STATE_DMA_ENABLED, delay: 0 };
        break;
      case O.OPAL_EEH_STOPPED_DMA_FREEZE:
        result = { state: EEH_STATE_MMIO_ACTIVE | EEH_STATE_MMIO_ENABLED, delay: 0 };
        break;
      case O.OPAL_EEH_STOPPED_MMIO_DMA_FREEZE:
        result = { state: 0, delay: 0 };
        break;
      case O.OPAL_EEH_STOPPED_RESET:
        result = { state: EEH_STATE_RESET_ACTIVE, delay: 0 };
        break;
      case O.OPAL_EEH_STOPPED_TEMP_UNAVAIL:
        result = { state: EEH_STATE_UNAVAILABLE, delay: PNV_UNAVAILABLE_DELAY };
        break;
      case O.OPAL_EEH_STOPPED_PERM_UNAVAIL:
        result = { state: EEH_STATE_NOT_SUPPORT, delay: 0 };
        break;
      default:
        this.log.line("warn", `pnv_eeh_get_pe_state: Invalid PHB#${this.hex(pe.phbId)}-PE#${this.hex(n)} state ${this.hex(fstate)}`, { phb: pe.phbId, pe: n });
        result = { state: EEH_STATE_NOT_SUPPORT, delay: 0 };
    }
    // On the first transition to frozen, get_state itself isolates the PE and fetches diag.
    const s = result.state;
    if (s !== EEH_STATE_NOT_SUPPORT && s !== EEH_STATE_UNAVAILABLE && !(s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) && !this.isolated(pe)) {
      this.opal.eehFreezeSet(pe.phbId, n, O.OPAL_EEH_ACTION_SET_FREEZE_ALL);
      this.markIsolated(pe);
      this.fetchDiag(pe);
    }
    return result;
  }

  // ------------------------------------------------------------------ set_option (§7.4)

  setOption(pe: EehPeRef, option: number): number {
    const n = this.peNumber(pe);
    switch (option) {
      case EEH_OPT_DISABLE:
        return -EPERM;
      case EEH_OPT_ENABLE:
        return 0;
      case EEH_OPT_THAW_MMIO:
      case EEH_OPT_THAW_DMA: {
        const token = option === EEH_OPT_THAW_MMIO ? O.OPAL_EEH_ACTION_CLEAR_FREEZE_MMIO : O.OPAL_EEH_ACTION_CLEAR_FREEZE_DMA;
        const rc = this.opal.eehFreezeClear(pe.phbId, n, token);
        if (rc !== O.OPAL_SUCCESS) {
          this.log.line("warn", `pnv_eeh_set_option: Failure ${rc} clear ${token} on PHB#${this.hex(pe.phbId)}-PE#${this.hex(n)}`, { phb: pe.phbId, pe: n });
          return -EIO;
        }
        return 0;
      }
      case EEH_OPT_FREEZE_PE: {
        const rc = this.opal.eehFreezeSet(pe.phbId, n, O.OPAL_EEH_ACTION_SET_FREEZE_ALL);
        if (rc !== O.OPAL_SUCCESS) {
          this.log.line("warn", `pnv_eeh_freeze_pe: Failure ${rc} freezing PHB#${this.hex(pe.phbId)}-PE#${this.hex(n)}`, { phb: pe.phbId, pe: n });
          return -EIO;
        }
        return 0;
      }
      default:
        return -EINVAL;
    }
  }

  // ------------------------------------------------------------------ reset (§7.4, linux-eeh §3.10)

  /** pnv_eeh_poll: sleep what OPAL asks, poll again, until done or failed. */
  private async poll(id: bigint, rc: number): Promise<number> {
    while (rc > 0) {
      await this.clock.sleep(rc);
      rc = this.opal.pciPoll(id);
    }
    return rc;
  }

  async reset(pe: EehPeRef, option: number): Promise<number> {
    if (option !== EEH_RESET_DEACTIVATE && option !== EEH_RESET_HOT && option !== EEH_RESET_FUNDAMENTAL) return -EINVAL;
    const m = this.machine;
    const plan = m.phbLayout(pe.phbId).plan;
    const phbId = pe.phbId;
    if (pe.pe === "phb") {
      // PHB PE: complete PHB reset; deassert is followed by the settle delay.
      if (option === EEH_RESET_DEACTIVATE) {
        const rc = await this.poll(BigInt(phbId), this.opal.pciReset(phbId, O.OPAL_RESET_PHB_COMPLETE, O.OPAL_DEASSERT_RESET));
        await this.clock.sleep(EEH_PE_RST_SETTLE_TIME);
        return rc < 0 ? -EIO : 0;
      }
      const rc = await this.poll(BigInt(phbId), this.opal.pciReset(phbId, O.OPAL_RESET_PHB_COMPLETE, O.OPAL_ASSERT_RESET));
      return rc < 0 ? -EIO : 0;
    }
    const hw = m.phbState(phbId).hw;
    if (option !== EEH_RESET_DEACTIVATE && hw.model === "ioda1") {
      // P7IOC: clear any armed injection before a PE reset (§5.4).
      this.opal.pciReset(phbId, O.OPAL_RESET_PHB_ERROR, O.OPAL_ASSERT_RESET);
    }
    const tree = m.phbState(phbId).peTree;
    const ePe = getPe(tree, pe.pe);
    if (ePe.type & EEH_PE_VF) {
      // VF PE: function-level reset, with the same hold/settle.
      if (option === EEH_RESET_DEACTIVATE) {
        await this.clock.sleep(EEH_PE_RST_SETTLE_TIME);
        return 0;
      }
      for (const rid of ePe.rids) functionLevelReset(m, { ...m.phbLayout(phbId).fnByRid.get(rid)!.address });
      await this.clock.sleep(EEH_PE_RST_HOLD_TIME);
      return 0;
    }
    // Root-bus PE: OPAL hot/fundamental reset of the PHB slot. Other PEs: the slot below
    // the PE's upstream bridge (firmware slot reset, PCI_SLOT_ID(phb, bdfn)).
    const bridgeRid = pe.pe === plan.rootBusPe ? undefined : m.phbLayout(phbId).bridgeForBus.get(plan.pes.find((p) => p.pe === pe.pe)?.bus ?? -1);
    const slot = bridgeRid === undefined ? BigInt(phbId) : O.pciSlotId(phbId, bridgeRid);
    const scope = option === EEH_RESET_FUNDAMENTAL ? O.OPAL_RESET_PCI_FUNDAMENTAL : O.OPAL_RESET_PCI_HOT;
    if (option === EEH_RESET_DEACTIVATE) {
      const rc = this.opal.pciReset(slot, O.OPAL_RESET_PCI_HOT, O.OPAL_DEASSERT_RESET);
      await this.clock.sleep(EEH_PE_RST_SETTLE_TIME);
      return rc < 0 ? -EIO : 0;
    }
    const rc = await this.poll(slot, this.opal.pciReset(slot, scope, O.OPAL_ASSERT_RESET));
    await this.clock.sleep(EEH_PE_RST_HOLD_TIME);
    return rc < 0 ? -EIO : 0;
  }

  // ------------------------------------------------------------------ get_log, configure_bridge, err_inject

  getLog(pe: EehPeRef): PlatformLog | undefined {
    const bytes = this.peData.get(this.key(pe)) ?? this.opal.getPhbDiagData2(pe.phbId, this.opal.diagDataSize(pe.phbId)!).buffer;
    if (!bytes) return undefined;
    const lines = this.diagLines(pe.phbId, bytes);
    if (!this.options.earlyLog) for (const l of lines) this.log.line("info", l, { phb: pe.phbId });
    return { kind: "opal-diag", phbId: pe.phbId, bytes, lines };
  }

  configureBridge(): number {
    return 0; // PowerNV: nothing to do (linux-eeh §4)
  }

  errInject(pe: EehPeRef, type: number, func: number, addr: bigint, mask: bigint): number {
    if ((type !== 0 && type !== 1) || !Number.isInteger(func) || func < 0 || func > 19) return -ERANGE;
    const n = this.peNumber(pe);
    const rc = this.opal.errInject(pe.phbId, n, type, func, addr, mask);
    if (rc !== O.OPAL_SUCCESS) {
      this.log.line("warn", `pnv_eeh_err_inject: Failure ${rc} injecting error ${type}-${func} to PHB#${this.hex(pe.phbId)}-PE#${this.hex(n)}`, { phb: pe.phbId, pe: n });
      return -EIO;
    }
    return 0;
  }

  restoreConfig(): number {
    return 0; // OPAL_PCI_REINIT(OPAL_REINIT_PCI_DEV) succeeds; BARs are restored by the core
  }

  errorInterruptPending(): boolean {
    return (this.opal.pendingEvents() & O.OPAL_EVENT_PCI_ERROR) !== 0;
  }

  // ------------------------------------------------------------------ next_error (§7.3)

  /**
   * Scan PHBs whose PHB PE is not isolated; the first answer above INF wins. `passed`
   * tells whether a PE is passed through to a guest (its errors are the guest's).
   */
  nextError(passed: (pe: EehPeRef) => boolean = () => false): NextErrorResult {
    const m = this.machine;
    let ret: NextErrorResult = { result: EEH_NEXT_ERR_NONE };
    for (const phbId of m.layout.phbs.keys()) {
      const phbPe: EehPeRef = { phbId, pe: "phb" };
      // Skip PHBs whose subordinate buses are gone: isolated, or removed by a recovery that
      // gave up (a REMOVED PE cannot be marked isolated, so without this a PHB that died
      // after a failed fence recovery would be reported DEAD for ever).
      if (this.isolated(phbPe) || getPe(m.phbState(phbId).peTree, "phb").state & EEH_PE_REMOVED) continue;
      const r = this.opal.nextError(phbId);
      if (r.rc !== O.OPAL_SUCCESS) continue;
      if (r.pciErrorType === O.OPAL_EEH_NO_ERROR || r.severity === O.OPAL_EEH_SEV_NO_ERROR) continue;
      const phbHex = this.hex(m.phbLayout(phbId).spec.domain);
      const loc = this.phbLocation(phbId);
      let cur: NextErrorResult = { result: EEH_NEXT_ERR_NONE };
      if (r.pciErrorType === O.OPAL_EEH_PHB_ERROR && r.severity === O.OPAL_EEH_SEV_PHB_DEAD) {
        this.log.line("err", `EEH: dead PHB#${phbHex} detected, location: ${loc}`, { phb: phbId });
        cur = { result: EEH_NEXT_ERR_DEAD_PHB, pe: phbPe };
      } else if (r.pciErrorType === O.OPAL_EEH_PHB_ERROR && r.severity === O.OPAL_EEH_SEV_PHB_FENCED) {
        this.log.line("err", `EEH: Fenced PHB#${phbHex} detected, location: ${loc}`, { phb: phbId });
        cur = { result: EEH_NEXT_ERR_FENCED_PHB, pe: phbPe };
      } else if (r.pciErrorType === O.OPAL_EEH_PHB_ERROR && r.severity === O.OPAL_EEH_SEV_INF) {
        this.log.line("info", `EEH: PHB#${phbHex} informative error detected, location: ${loc}`, { phb: phbId });
        const d = this.opal.getPhbDiagData2(phbId, this.opal.diagDataSize(phbId)!);
        if (d.buffer) this.dumpDiag(phbId, d.buffer);
      } else if (r.pciErrorType === O.OPAL_EEH_PE_ERROR) {
        cur = this.frozenPe(phbId, Number(r.firstFrozenPe), passed);
      } else {
        this.log.line("warn", `pnv_eeh_next_error: Unexpected error type ${r.pciErrorType}`, { phb: phbId });
      }
      if ((cur.result === EEH_NEXT_ERR_FROZEN_PE || cur.result === EEH_NEXT_ERR_FENCED_PHB) && cur.pe && !this.isolated(cur.pe)) {
        this.markIsolated(cur.pe);
        this.fetchDiag(cur.pe);
      }
      if (cur.result === EEH_NEXT_ERR_DEAD_PHB && cur.pe) this.markIsolated(cur.pe);
      if (cur.result > ret.result) ret = cur;
      if (ret.result > 1) break;
    }
    return ret;
  }

  private frozenPe(phbId: number, peNum: number, passed: (pe: EehPeRef) => boolean): NextErrorResult {
    const m = this.machine;
    const phbHex = this.hex(m.phbLayout(phbId).spec.domain);
    const tree = m.phbState(phbId).peTree;
    // A PE whose recovery gave up (EEH_PE_REMOVED) had all its devices hot-removed, and in
    // Linux eeh_pe_tree_remove freed it with its last device: eeh_pe_get finds nothing and
    // the freeze is cleared as a non-existing PE's. Handing it back to the core instead
    // would fail it again at once, neither thawed nor isolated (eeh_pe_mark_isolated skips
    // REMOVED PEs, and a failure after a good reset finds ISOLATED already cleared), and
    // OPAL would name it for ever: handleSpecialEvent would loop without yielding.
    const known = tree.pes[peNum];
    if (!known || known.state & EEH_PE_REMOVED) {
      this.log.line("info", `EEH: Clear non-existing PHB#${phbHex}-PE#${this.hex(peNum)}`, { phb: phbId, pe: peNum });
      this.log.line("info", `EEH: PHB location: ${this.phbLocation(phbId)}`, { phb: phbId });
      const d = this.opal.getPhbDiagData2(phbId, this.opal.diagDataSize(phbId)!);
      if (d.buffer) this.dumpDiag(phbId, d.buffer);
      this.opal.eehFreezeClear(phbId, peNum, O.OPAL_EEH_ACTION_CLEAR_FREEZE_ALL);
      return { result: EEH_NEXT_ERR_NONE };
    }
    let pe: EehPeRef = { phbId, pe: peNum };
    if (this.isolated(pe) || passed(pe)) return { result: EEH_NEXT_ERR_NONE };
    this.log.line("err", `EEH: Frozen PE#${this.hex(peNum)} on PHB#${phbHex} detected`, { phb: phbId, pe: peNum });
    this.log.line("err", `EEH: PE location: ${this.peLocation(pe)}, PHB location: ${this.phbLocation(phbId)}`, { phb: phbId, pe: peNum });
    // Climb: a frozen ancestor below the PHB PE takes the event (top-most wins).
    for (let r: PeRef | null = getPe(tree, peNum).parent; r !== null && r !== "phb"; r = getPe(tree, r).parent) {
      const st = this.getState({ phbId, pe: r }).state;
      if (st >= 0 && !(st & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) && st !== EEH_STATE_NOT_SUPPORT && st !== EEH_STATE_UNAVAILABLE) pe = { phbId, pe: r };
    }
    return { result: EEH_NEXT_ERR_FROZEN_PE, pe };
  }

  /** Linux's per-device log prefix address text, for callers building lines. */
  deviceName(phbId: number, rid: number): string {
    const f = this.machine.phbLayout(phbId).fnByRid.get(rid);
    return f ? formatPciAddress(f.address) : rid.toString(16);
  }
}
