// The answer of ibm,read-slot-reset-state2 (pseries-rtas.md §4.3; linux-eeh.md §2.6, §5.4),
// derived from the PHB model's freeze bits and the firmware's own reset bookkeeping, in this
// order:
//   dead PHB, or a PE a reset could not bring back   → 5 (unavailable), delay 0 = permanent
//   reset asserted                                   → 1 (reset)
//   link still training after the deassert           → 5, delay = ms left (temporary)
//   otherwise the PEST freeze bits (a fenced PHB reads both set, as Machine.peFreezeState
//   says): neither → 0; DMA only → 4 (MMIO enabled, DMA stopped); both → 2.
//   MMIO frozen with DMA running has no PAPR code: firmware answers 2 (stopped), because
//   MMIO does not work; Linux then thaws MMIO and DMA again, which is harmless.
// The "supported" word is 1 unless the OS disabled EEH on the PE (ibm,set-eeh-option 0),
// which Linux reads as EEH_STATE_NOT_SUPPORT.

import type { FreezeState } from "../../ioda/phb-engine.js";
import type { PeFirmwareState } from "./firmware-state.js";
import {
  RTAS_EEH_NOT_SUPPORT,
  RTAS_EEH_PE_STATE_NORMAL,
  RTAS_EEH_PE_STATE_RESET,
  RTAS_EEH_PE_STATE_STOPPED_DMA,
  RTAS_EEH_PE_STATE_STOPPED_IO_DMA,
  RTAS_EEH_PE_STATE_UNAVAIL,
  RTAS_EEH_SUPPORT,
} from "./rtas-constants.js";

export type SlotCondition = "normal" | "frozen" | "reset" | "settling" | "failed" | "dead";

export interface SlotState {
  /** PE state word ([1] of the call). */
  readonly state: number;
  /** EEH supported word ([2]). */
  readonly supported: number;
  /** Wait hint in ms ([3]): the time left while temporarily unavailable, else 0. */
  readonly delayMs: number;
  readonly condition: SlotCondition;
}

/** The PE state word the freeze bits alone give. */
export function stateOfFreeze(f: FreezeState): number {
  if (!f.mmio && !f.dma) return RTAS_EEH_PE_STATE_NORMAL;
  if (!f.mmio && f.dma) return RTAS_EEH_PE_STATE_STOPPED_DMA;
  return RTAS_EEH_PE_STATE_STOPPED_IO_DMA;
}

export interface SlotInputs {
  readonly fw: PeFirmwareState;
  /** The PHB is dead (skiboot `broken`). */
  readonly dead: boolean;
  readonly freeze: FreezeState;
  /** Virtual time now (ms). */
  readonly now: number;
}

export function slotState(i: SlotInputs): SlotState {
  const supported = i.fw.eehEnabled ? RTAS_EEH_SUPPORT : RTAS_EEH_NOT_SUPPORT;
  if (i.dead) return { state: RTAS_EEH_PE_STATE_UNAVAIL, supported, delayMs: 0, condition: "dead" };
  if (i.fw.failed) return { state: RTAS_EEH_PE_STATE_UNAVAIL, supported, delayMs: 0, condition: "failed" };
  if (i.fw.reset) return { state: RTAS_EEH_PE_STATE_RESET, supported, delayMs: 0, condition: "reset" };
  if (i.now < i.fw.settleUntil) {
    return { state: RTAS_EEH_PE_STATE_UNAVAIL, supported, delayMs: Math.ceil(i.fw.settleUntil - i.now), condition: "settling" };
  }
  const state = stateOfFreeze(i.freeze);
  return { state, supported, delayMs: 0, condition: state === RTAS_EEH_PE_STATE_NORMAL ? "normal" : "frozen" };
}
