// A platform log blob → its decoding and interpretation as plain JSON, for timeline.json and
// the `.json` file beside each `logs/NNNN-<kind>.bin`. The same decoders `eeh-emu decode`
// uses (log/ is pure: these bytes could have come from a real machine).

import { toJsonValue } from "../core/json.js";
import { decodePhbDiagDetailed } from "../log/opal/decode.js";
import { interpretPhbDiag } from "../log/interpret/interpret.js";
import { interpretationToJson } from "../log/interpret/json.js";
import { decodeInterpretation } from "../log/interpret/binary-decode.js";
import { decodeRtasLog } from "../log/rtas/codec.js";
import { eehNotification } from "../log/rtas/eeh-notification.js";
import type { PlatformLogKind } from "./timeline.js";

export interface DecodedPlatformLog {
  readonly headline: string;
  readonly decoded: unknown;
  readonly interpretation: unknown;
}

export function decodePlatformLog(kind: PlatformLogKind, bytes: Uint8Array): DecodedPlatformLog {
  switch (kind) {
    case "opal-diag": {
      const { data, notes } = decodePhbDiagDetailed(bytes);
      const interp = interpretPhbDiag(data);
      return { headline: interp.headline, decoded: toJsonValue({ ...data, notes }), interpretation: interpretationToJson(interp) };
    }
    case "eehi": {
      const interp = decodeInterpretation(bytes);
      return { headline: interp.headline, decoded: interpretationToJson(interp), interpretation: interpretationToJson(interp) };
    }
    case "rtas": {
      // pSeries logs are opaque to the OS (pseries-rtas.md §3); what can be said is what
      // ppc64-diag says: the SRC and its description, and the location.
      const log = decodeRtasLog(bytes);
      const n = eehNotification(log);
      const headline = n ? `SRC ${n.src}: ${n.description}${n.location !== undefined ? ` at ${n.location}` : ""}` : `RTAS error log, severity ${log.header.severity}`;
      return { headline, decoded: toJsonValue(log), interpretation: n ? toJsonValue(n) : null };
    }
  }
}
