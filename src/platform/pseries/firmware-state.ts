// What the RTAS firmware itself remembers, beside the hardware: per PE whether EEH is
// enabled, whether a reset is asserted (and since when), the end of the post-reset settle
// time, whether a reset failed to bring the PE back (permanently unavailable), the error
// data latched when it last detected an EEH error on the PE; machine-wide the errinjct
// facility and the log counters.
//
// Immutable values: a call computes the next record and the platform commits it only when
// the call succeeds, so a call that returns an error status leaves the very same objects in
// place. Records are kept per PHB, so a call copies at most the records of one PHB (DESIGN.md:
// cost never grows with the machine). An absent PE record means the defaults.

import type { EehCapture } from "./error-capture.js";

export interface ResetAssertion {
  /** RTAS_SLOT_RESET_HOT or RTAS_SLOT_RESET_FUNDAMENTAL. */
  readonly option: number;
  /** Virtual time (ms) of the assertion. */
  readonly assertedAt: number;
}

export interface PeFirmwareState {
  /** ibm,set-eeh-option enable/disable; firmware starts with EEH enabled on every PE. */
  readonly eehEnabled: boolean;
  readonly reset: ResetAssertion | null;
  /** Virtual time (ms) until which the link trains after a deassert; 0 when not settling. */
  readonly settleUntil: number;
  /** A reset did not bring the PE back (a permanent link fault): permanently unavailable. */
  readonly failed: boolean;
  /** The error data of the last EEH error detected on this PE. */
  readonly capture: EehCapture | null;
  /** Whether the PE was seen (or made) healthy since `capture` was taken. */
  readonly healthySinceCapture: boolean;
}

export const DEFAULT_PE_STATE: PeFirmwareState = Object.freeze({
  eehEnabled: true,
  reset: null,
  settleUntil: 0,
  failed: false,
  capture: null,
  healthySinceCapture: false,
});

/** The firmware records of one PHB's PEs. */
export interface PhbFirmwareState {
  readonly pes: Readonly<Record<number, PeFirmwareState>>;
  /** The PE an ibm,errinjct injection this firmware armed on the PHB targets, if any. */
  readonly injectionPe: number | null;
}

export const EMPTY_PHB_STATE: PhbFirmwareState = Object.freeze({ pes: Object.freeze({}), injectionPe: null });

export interface ErrinjctState {
  /** The token of the open facility, or null when closed. */
  readonly openToken: number | null;
  /** The token the next ibm,open-errinjct hands out. */
  readonly nextToken: number;
}

export interface GlobalFirmwareState {
  readonly errinjct: ErrinjctState;
  /** Platform log id (PH PLID) of the next EEH error detected. */
  readonly nextPlid: number;
  /** PH log entry id of the next log returned. */
  readonly nextLogEntryId: number;
}

export function initialGlobalState(): GlobalFirmwareState {
  return Object.freeze({ errinjct: Object.freeze({ openToken: null, nextToken: 1 }), nextPlid: 1, nextLogEntryId: 1 });
}

export function peRecord(phb: PhbFirmwareState, pe: number): PeFirmwareState {
  return phb.pes[pe] ?? DEFAULT_PE_STATE;
}

/** `phb` with PE `pe`'s record patched; `phb` itself when the patch changes nothing. */
export function patchPe(phb: PhbFirmwareState, pe: number, patch: Partial<PeFirmwareState>): PhbFirmwareState {
  const old = peRecord(phb, pe);
  const changed = (Object.keys(patch) as Array<keyof PeFirmwareState>).some((k) => patch[k] !== old[k]);
  if (!changed) return phb;
  return Object.freeze({ ...phb, pes: Object.freeze({ ...phb.pes, [pe]: Object.freeze({ ...old, ...patch }) }) });
}
