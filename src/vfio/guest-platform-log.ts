// The platform error log of a PE, as forwarded to the guest that owns it (issue 6 "Log
// forwarding"; linux-eeh.md §3.7 get_log). On pSeries that is the RTAS error log, passed
// on as the bytes firmware returned, never decoded (pseries-rtas.md §3: the guest's own
// tools read it). On PowerNV it is the raw PHB diag blob (powernv-opal.md §3) plus its
// interpretation in the binary form of log/interpret (the "well-defined blob" of the
// PowerNV issue), so a guest that cannot read IODA registers still learns what happened.
//
// The guest gets copies: nothing it does to them reaches the host's buffers.

import { DecodeError } from "../core/errors.js";
import { decodePhbDiag } from "../log/opal/decode.js";
import { encodeInterpretation, interpretPhbDiag } from "../log/interpret/index.js";
import type { EehPeRef, PlatformLog } from "../platform/eeh-ops.js";

export type GuestPlatformLog =
  | {
      readonly kind: "rtas";
      readonly pe: EehPeRef;
      readonly severity: number;
      /** The RTAS error log exactly as firmware returned it (opaque). */
      readonly bytes: Uint8Array;
    }
  | {
      readonly kind: "opal-diag";
      readonly pe: EehPeRef;
      readonly severity: number;
      /** The raw OPAL PHB diag-data blob. */
      readonly bytes: Uint8Array;
      /** encodeInterpretation(interpretPhbDiag(blob)); undefined when the blob does not decode. */
      readonly interpretation: Uint8Array | undefined;
    };

/**
 * Turns a PHB diag blob into the interpretation blob forwarded beside it. Returns
 * undefined for a blob that does not decode (a DecodeError); other errors are bugs.
 */
export type DiagInterpreter = (blob: Uint8Array) => Uint8Array | undefined;

export const interpretDiagBlob: DiagInterpreter = (blob) => {
  try {
    return encodeInterpretation(interpretPhbDiag(decodePhbDiag(blob)));
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
};

/** The guest's copy of a platform log. */
export function forwardPlatformLog(log: PlatformLog, pe: EehPeRef, severity: number, interpret: DiagInterpreter): GuestPlatformLog {
  const bytes = log.bytes.slice();
  if (log.kind === "rtas") return { kind: "rtas", pe, severity, bytes };
  return { kind: "opal-diag", pe, severity, bytes, interpretation: interpret(bytes) };
}
