// The platform-ops interface the EEH core drives (linux-eeh.md §4, `struct eeh_ops`),
// implemented by powernv (OPAL) and pseries (RTAS), and the EEH constants the two sides
// share (linux-eeh.md §2.6, §3.10, §4). The core never asks which platform it runs on.

import type { PeRef } from "../ioda/pe/pe-tree.js";

// EEH_STATE_* (eeh.h)
export const EEH_STATE_UNAVAILABLE = 0x01;
export const EEH_STATE_NOT_SUPPORT = 0x02;
export const EEH_STATE_RESET_ACTIVE = 0x04;
export const EEH_STATE_MMIO_ACTIVE = 0x08;
export const EEH_STATE_DMA_ACTIVE = 0x10;
export const EEH_STATE_MMIO_ENABLED = 0x20;
export const EEH_STATE_DMA_ENABLED = 0x40;
/** All four active/enabled bits: a PE that works. */
export const EEH_STATE_OK = 0x78;

/** eeh_state_active(): MMIO_ACTIVE and DMA_ACTIVE both set. */
export function eehStateActive(s: number): boolean {
  return (s & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) === (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE);
}

// set_option
export const EEH_OPT_DISABLE = 0;
export const EEH_OPT_ENABLE = 1;
export const EEH_OPT_THAW_MMIO = 2;
export const EEH_OPT_THAW_DMA = 3;
export const EEH_OPT_FREEZE_PE = 4;

// reset
export const EEH_RESET_DEACTIVATE = 0;
export const EEH_RESET_HOT = 1;
export const EEH_RESET_FUNDAMENTAL = 3;

// get_log severity
export const EEH_LOG_TEMP = 1;
export const EEH_LOG_PERM = 2;

// next_error
export const EEH_NEXT_ERR_NONE = 0;
export const EEH_NEXT_ERR_INF = 1;
export const EEH_NEXT_ERR_FROZEN_PE = 2;
export const EEH_NEXT_ERR_FENCED_PHB = 3;
export const EEH_NEXT_ERR_DEAD_PHB = 4;
export const EEH_NEXT_ERR_DEAD_IOC = 5;

// Timing (§3.10)
export const EEH_PE_RST_HOLD_TIME = 250;
export const EEH_PE_RST_SETTLE_TIME = 1800;
export const EEH_STATE_MIN_WAIT_TIME = 1000;
export const EEH_STATE_MAX_WAIT_TIME = 300000;

// errno values the platforms return (negated)
export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const ENXIO = 6;
export const EINVAL = 22;
export const ERANGE = 34;
export const ENODEV = 19;
export const ENOTRECOVERABLE = 131;

/** A Linux PE, as the platform sees it. */
export interface EehPeRef {
  readonly phbId: number;
  readonly pe: PeRef;
}

/** A platform error log, opaque above the platform except for its Linux-side print. */
export interface PlatformLog {
  readonly kind: "opal-diag" | "rtas";
  readonly phbId: number;
  readonly bytes: Uint8Array;
  /** What Linux prints for it (the PHB diag dump lines on PowerNV, the RTAS hex on pSeries). */
  readonly lines: readonly string[];
}

export interface GetStateResult {
  /** EEH_STATE_* bits, or a negative errno. */
  readonly state: number;
  /** Suggested wait in ms when UNAVAILABLE. */
  readonly delay: number;
}

export interface NextErrorResult {
  readonly result: number; // EEH_NEXT_ERR_*
  readonly pe?: EehPeRef;
}

export interface EehOps {
  readonly name: "powernv" | "pseries";
  getState(pe: EehPeRef): GetStateResult;
  setOption(pe: EehPeRef, option: number): number;
  /** Includes the hold (assert) and settle (deassert) sleeps on the virtual clock. */
  reset(pe: EehPeRef, option: number): Promise<number>;
  getLog(pe: EehPeRef, severity: number): PlatformLog | undefined;
  configureBridge(pe: EehPeRef): number;
  errInject(pe: EehPeRef, type: number, func: number, addr: bigint, mask: bigint): number;
  /**
   * PowerNV's special-event source; pSeries has none. `passed` says whether a PE is
   * passed through to a guest (its errors are left to the guest).
   */
  nextError?(passed?: (pe: EehPeRef) => boolean): NextErrorResult;
  /** The platform's error interrupt line: PowerNV's OPAL_EVENT_PCI_ERROR is pending. */
  errorInterruptPending?(): boolean;
  /** Firmware re-init of a device after its BARs are restored (PowerNV OPAL_PCI_REINIT). */
  restoreConfig?(phbId: number, rid: number): number;
}

/** Where a platform writes its Linux log lines (the EEH core routes them to the host log). */
export interface KernelLog {
  line(level: "err" | "warn" | "info" | "debug", text: string, ctx?: { phb?: number; pe?: number | "phb" }): void;
}
