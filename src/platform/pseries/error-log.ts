// The bytes ibm,slot-error-detail returns (pseries-rtas.md §3.10, §3.11, §3.13), built with
// the log codec's EEH template (log/rtas buildEehErrorLog) from a capture.
//
// Recovered vs permanent (the spec leaves the choice to firmware, §7): the OS says which log
// it wants — Linux asks for a temporary log (EEH_LOG_TEMP = 1) while it recovers and a
// permanent one (EEH_LOG_PERM = 2) when recovery failed (linux-eeh.md §3.4, §3.7) — so a
// temporary request gets SRC BA188001 "EEH recovered a failing I/O adapter" and a permanent
// one BA188002 "EEH could not recover the failed I/O adapter". When firmware itself knows
// the PE is lost (a reset could not bring it back, or the PHB is dead) every log is BA188002.
//
// PLID and entry id: the PLID is the error's (given at detection), so the temporary and the
// permanent log of one error share it, as related PELs do; the log entry id counts the logs
// firmware returned.
//
// The 2048-byte budget: the template with the dump of capture fits well inside it; if
// unusually long location codes push it over, the bridge block and then the whole dump are
// dropped rather than return a log the OS would truncate (§3.13).

import { ArgumentError } from "../../core/errors.js";
import { buildEehErrorLog, RTAS_ERROR_LOG_MAX, type EehErrorLogInput } from "../../log/rtas/index.js";
import type { EehCapture } from "./error-capture.js";

/** What the log says about the machine and partition (MT and LP sections). */
export interface SystemIdentity {
  readonly machineTypeModel: string;
  readonly serialNumber: string;
  readonly partitionId: number;
}

export function errorLogInput(capture: EehCapture, recovered: boolean, logEntryId: number, id: SystemIdentity): EehErrorLogInput {
  return {
    recovered,
    timestamp: capture.timestamp,
    platformLogId: capture.plid,
    logEntryId,
    failingLocation: capture.failingLocation,
    ...(capture.parentLocation !== undefined ? { parentLocation: capture.parentLocation } : {}),
    peConfigAddress: capture.peConfigAddr,
    buid: capture.buid,
    machineTypeModel: id.machineTypeModel,
    serialNumber: id.serialNumber,
    partitionId: id.partitionId,
    registers: capture.registers,
  };
}

/** The log bytes, at most `maxLength`; undefined if even the log without a dump does not fit or encode. */
export function buildErrorLogBytes(input: EehErrorLogInput, maxLength = RTAS_ERROR_LOG_MAX): Uint8Array | undefined {
  const { registers, ...bare } = input;
  const { bridge: _bridge, ...noBridge } = registers ?? { phb: [] };
  const attempts: EehErrorLogInput[] = [input, ...(registers ? [{ ...bare, registers: noBridge }, bare] : [])];
  for (const attempt of attempts) {
    try {
      return buildEehErrorLog({ ...attempt, maxLength });
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
    }
  }
  return undefined;
}
