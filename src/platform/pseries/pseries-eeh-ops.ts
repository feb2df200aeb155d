// Linux's pseries EEH platform ops (eeh_pseries.c) over the RTAS firmware: the EehOps the
// EEH core drives (linux-eeh.md §4), each one the RTAS call(s) pSeries Linux makes
// (pseries-rtas.md §4.3) and the way it reads the answer (linux-eeh.md §2.6, §3.10, §6.2).
// A PE is named to RTAS by its PE config address and its PHB's BUID (pe-directory.ts);
// the PHB PE, which pSeries Linux addresses as config address 0, is the root-bus PE.

import type { VirtualClock } from "../../core/clock.js";
import { formatPciAddress } from "../../pci/address.js";
import { configRead } from "../../pci/config-space.js";
import { PCI_COMMAND, PCI_COMMAND_MEMORY } from "../../pci/regs.js";
import { decodeRtasLog, formatRtasEventSummary, RTAS_ERROR_LOG_MAX } from "../../log/rtas/index.js";
import {
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
  EEH_STATE_RESET_ACTIVE,
  EEH_STATE_UNAVAILABLE,
  EINVAL,
  EIO,
  ENXIO,
  ERANGE,
  type EehOps,
  type EehPeRef,
  type GetStateResult,
  type KernelLog,
  type PlatformLog,
} from "../eeh-ops.js";
import { EEH_ERR_TYPE_32, EEH_ERR_TYPE_64 } from "./errinjct-work-area.js";
import { extendedDelayMs } from "./extended-delay.js";
import type { PeHandle } from "./pe-directory.js";
import { PSERIES_ERRINJCT_FUNCS, type PseriesPlatform } from "./pseries-platform.js";
import {
  RTAS_EEH_NOT_SUPPORT,
  RTAS_EEH_PE_STATE_NORMAL,
  RTAS_EEH_PE_STATE_RESET,
  RTAS_EEH_PE_STATE_STOPPED_DMA,
  RTAS_EEH_PE_STATE_STOPPED_IO_DMA,
  RTAS_EEH_PE_STATE_UNAVAIL,
  RTAS_OUT_BUSY,
  RTAS_OUT_FRESET_NOT_SUPPORTED,
  RTAS_OUT_PARAM_ERROR,
  RTAS_OUT_SUCCESS,
} from "./rtas-constants.js";

/** pseries_eeh_configure_bridge's overall budget for extended delays (linux-eeh.md §3.10). */
export const PSERIES_CONFIGURE_BRIDGE_BUDGET_MS = 200;
/** Extended delays above 9902 are clamped to 100 ms in that loop (§4.3). */
export const PSERIES_CONFIGURE_BRIDGE_MAX_DELAY_MS = 100;

/** The EEH_STATE bits pSeries Linux makes of a read-slot-reset-state2 answer (linux-eeh.md §2.6). */
export function eehStateOfRtas(r: { status: number; state?: number; supported?: number; delayMs?: number }): GetStateResult {
  if (r.status !== RTAS_OUT_SUCCESS) return { state: r.status, delay: 0 };
  if (r.supported === RTAS_EEH_NOT_SUPPORT) return { state: EEH_STATE_NOT_SUPPORT, delay: 0 };
  switch (r.state) {
    case RTAS_EEH_PE_STATE_NORMAL:
      return { state: EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE | EEH_STATE_MMIO_ENABLED | EEH_STATE_DMA_ENABLED, delay: 0 };
    case RTAS_EEH_PE_STATE_RESET:
      return { state: EEH_STATE_RESET_ACTIVE | EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE, delay: 0 };
    case RTAS_EEH_PE_STATE_STOPPED_IO_DMA:
      return { state: 0, delay: 0 };
    case RTAS_EEH_PE_STATE_STOPPED_DMA:
      return { state: EEH_STATE_MMIO_ENABLED, delay: 0 };
    case RTAS_EEH_PE_STATE_UNAVAIL:
      return r.delayMs ? { state: EEH_STATE_UNAVAILABLE, delay: r.delayMs } : { state: EEH_STATE_NOT_SUPPORT, delay: 0 };
    default:
      return { state: EEH_STATE_NOT_SUPPORT, delay: 0 };
  }
}

export class PseriesEehOps implements EehOps {
  readonly name = "pseries" as const;

  constructor(
    readonly rtas: PseriesPlatform,
    readonly clock: VirtualClock,
    readonly log: KernelLog,
  ) {}

  /** pe->addr and the PHB BUID; the PHB PE is the root-bus PE (config address 0). */
  handle(pe: EehPeRef): PeHandle {
    const layout = this.rtas.machine.phbLayout(pe.phbId);
    const n = pe.pe === "phb" ? layout.plan.rootBusPe : pe.pe;
    const plan = this.rtas.directory.planOf(pe.phbId, n);
    const rid = plan?.rids.reduce((a, b) => Math.min(a, b), 0xffff) ?? 0;
    return this.rtas.directory.handleOf(pe.phbId, rid) ?? { configAddr: 0, buidHi: 0, buidLo: 0 };
  }

  private ctx(pe: EehPeRef): { phb: number; pe: number | "phb" } {
    return { phb: pe.phbId, pe: pe.pe };
  }

  private name_(pe: EehPeRef): string {
    const domain = this.rtas.machine.phbLayout(pe.phbId).spec.domain.toString(16);
    return `PHB#${domain}-PE#${this.handle(pe).configAddr.toString(16)}`;
  }

  // ------------------------------------------------------------------ get_state

  getState(pe: EehPeRef): GetStateResult {
    const h = this.handle(pe);
    return eehStateOfRtas(this.rtas.readSlotResetState2(h.configAddr, h.buidHi, h.buidLo));
  }

  // ------------------------------------------------------------------ set_option

  /** pseries_eeh_set_option: the RTAS option has Linux's number; FREEZE_PE is not sent (0). */
  setOption(pe: EehPeRef, option: number): number {
    switch (option) {
      case EEH_OPT_DISABLE:
      case EEH_OPT_ENABLE:
      case EEH_OPT_THAW_MMIO:
      case EEH_OPT_THAW_DMA: {
        const h = this.handle(pe);
        const ret = this.rtas.setEehOption(h.configAddr, h.buidHi, h.buidLo, option);
        if (ret !== RTAS_OUT_SUCCESS) this.log.line("warn", `pseries_eeh_set_option: Failed to enable EEH option ${option}, err=${ret}`, this.ctx(pe));
        return ret;
      }
      case EEH_OPT_FREEZE_PE:
        return 0;
      default:
        this.log.line("warn", `pseries_eeh_set_option: Invalid option ${option}`, this.ctx(pe));
        return -EINVAL;
    }
  }

  // ------------------------------------------------------------------ reset

  /**
   * pseries_eeh_reset: a fundamental reset refused with −8 is retried hot; then sleep
   * EEH_PE_RST_HOLD_TIME after an assert, EEH_PE_RST_SETTLE_TIME after a deassert.
   */
  async reset(pe: EehPeRef, option: number): Promise<number> {
    if (option !== EEH_RESET_DEACTIVATE && option !== EEH_RESET_HOT && option !== EEH_RESET_FUNDAMENTAL) return -EINVAL;
    const h = this.handle(pe);
    let ret = this.rtas.setSlotReset(h.configAddr, h.buidHi, h.buidLo, option);
    if (option === EEH_RESET_FUNDAMENTAL && ret === RTAS_OUT_FRESET_NOT_SUPPORTED) {
      ret = this.rtas.setSlotReset(h.configAddr, h.buidHi, h.buidLo, EEH_RESET_HOT);
    }
    await this.clock.sleep(option === EEH_RESET_DEACTIVATE ? EEH_PE_RST_SETTLE_TIME : EEH_PE_RST_HOLD_TIME, "pseries reset");
    return ret;
  }

  // ------------------------------------------------------------------ get_log

  /**
   * pseries_eeh_get_log: ibm,slot-error-detail into a zeroed buffer of rtas-error-log-max
   * bytes; on status 0 log_error queues it (the platform's log store) and the kernel prints
   * its one-line summary (§4.2; printed at warning level, emulator assumption). Any other
   * status: no log.
   */
  getLog(pe: EehPeRef, severity: number): PlatformLog | undefined {
    const h = this.handle(pe);
    const buffer = new Uint8Array(RTAS_ERROR_LOG_MAX);
    const r = this.rtas.slotErrorDetail(h.configAddr, h.buidHi, h.buidLo, null, buffer, severity);
    if (r.status !== RTAS_OUT_SUCCESS) return undefined;
    const entry = this.rtas.platformLog.entries.at(-1)!;
    const lines = [formatRtasEventSummary(decodeRtasLog(entry.bytes), entry.sequence)];
    for (const l of lines) this.log.line("warn", l, this.ctx(pe));
    return { kind: "rtas", phbId: pe.phbId, bytes: entry.bytes, lines };
  }

  // ------------------------------------------------------------------ configure_bridge

  /**
   * pseries_eeh_configure_bridge: ibm,configure-pe until it answers 0; busy and extended
   * delays are waited out (delays above 100 ms clamped to 100) within a 200 ms budget.
   * Failure: −EINVAL for a parameter error, else −EIO. The interface is synchronous, so the
   * waits advance the virtual clock directly.
   */
  configureBridge(pe: EehPeRef): number {
    const h = this.handle(pe);
    let budget = PSERIES_CONFIGURE_BRIDGE_BUDGET_MS;
    let ret = RTAS_OUT_SUCCESS;
    while (budget > 0) {
      ret = this.rtas.configurePe(h.configAddr, h.buidHi, h.buidLo);
      if (ret === RTAS_OUT_SUCCESS) return 0;
      const wait = ret === RTAS_OUT_BUSY ? 1 : extendedDelayMs(ret);
      if (wait === undefined) break;
      const mwait = Math.min(wait, PSERIES_CONFIGURE_BRIDGE_MAX_DELAY_MS);
      budget -= mwait;
      this.clock.advanceBy(mwait);
    }
    this.log.line("warn", `pseries_eeh_configure_bridge: Unable to configure bridge ${this.name_(pe)} (${ret})`, this.ctx(pe));
    return ret === RTAS_OUT_PARAM_ERROR ? -EINVAL : -EIO;
  }

  // ------------------------------------------------------------------ err_inject

  /**
   * pseries_eeh_err_inject (linux-eeh.md §6.2): type 32/64 only (else −EINVAL), memory
   * load/store functions only (else −ERANGE); no RTAS — every device of the PE is broken
   * with eeh_break_device's trick: clear Memory Space Enable, do a 1-byte load from the
   * first assigned memory BAR (the device answers UR and the PHB freezes the PE), restore
   * the bit. For a VF Linux clears the PF's SR-IOV MSE, which the emulated VF decode does
   * not look at, so the VF's own COMMAND bit is cleared instead (emulator deviation).
   * Devices without a memory BAR are skipped with Linux's message; −ENXIO when none could
   * be broken.
   */
  errInject(pe: EehPeRef, type: number, func: number, _addr: bigint, _mask: bigint): number {
    if (type !== EEH_ERR_TYPE_32 && type !== EEH_ERR_TYPE_64) return -EINVAL;
    if (!PSERIES_ERRINJCT_FUNCS.includes(func)) return -ERANGE;
    const m = this.rtas.machine;
    const layout = m.phbLayout(pe.phbId);
    const n = pe.pe === "phb" ? layout.plan.rootBusPe : pe.pe;
    const rids = this.rtas.directory.planOf(pe.phbId, n)?.rids ?? [];
    let broken = 0;
    for (const rid of rids) {
      const spec = layout.fnByRid.get(rid)!;
      const name = formatPciAddress(spec.address);
      const bar = (layout.barsByRid.get(rid) ?? []).filter((b) => b.type !== "io").sort((a, b) => a.bar - b.bar)[0];
      if (!bar) {
        this.log.line("err", `pci ${name}: Unable to find Memory BAR to cause EEH with`, this.ctx(pe));
        continue;
      }
      const end = bar.pciAddress + bar.size - 1n;
      this.log.line("info", `pci ${name}: Going to break: [mem 0x${bar.pciAddress.toString(16).padStart(8, "0")}-0x${end.toString(16).padStart(8, "0")}${bar.type === "mem64" ? " 64bit" : ""}]`, this.ctx(pe));
      const cmd = configRead(m.phbState(pe.phbId).functions[rid]!.config, PCI_COMMAND, 2);
      m.configWrite(spec.address, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MEMORY);
      m.mmioLoadDetailed(bar.cpuStart, 1);
      m.configWrite(spec.address, PCI_COMMAND, 2, cmd);
      broken++;
    }
    return broken > 0 || rids.length === 0 ? 0 : -ENXIO;
  }
}
