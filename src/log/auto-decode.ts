// Decode whatever a support engineer hands over: an OPAL PHB diag blob (binary or hex
// dump), an RTAS error log (binary, hex dump, /var/log/platform or kernel rtasmsgs text),
// or Linux log text with EEH PHB diag dumps, EEH core lines and PCIe AER lines. Pure: no emulator needed,
// the bytes may come from a real machine.

import { DecodeError } from "../core/errors.js";
import { decodePhbDiagDetailed, type PhbDiagNote } from "./opal/decode.js";
import { detectPhbDiag } from "./opal/header.js";
import type { PhbDiagData } from "./opal/types.js";
import { parseKernelLog } from "./dmesg/parse-kernel-log.js";
import type { ParsedPhbDump } from "./dmesg/parsed-dump.js";
import { toPhbDiagData } from "./dmesg/parsed-dump.js";
import type { EehLogEvent } from "./dmesg/eeh-events.js";
import { decodeRtasLog } from "./rtas/codec.js";
import { decodeRtasText, readRtasTextEvents } from "./rtas/text-read.js";
import type { RtasErrorLog } from "./rtas/types.js";
import { interpretPhbDiag } from "./interpret/interpret.js";
import { interpretParsedDump } from "./interpret/parsed-dump.js";
import type { Interpretation } from "./interpret/types.js";
import { parseAerLog, type AerLogEvent, type AerReport } from "./aer/parse-log.js";
import { decodeInterpretation } from "./interpret/binary-decode.js";
import { INTERPRETATION_MAGIC } from "./interpret/binary-format.js";
import { RTAS_LOG_VERSION_6 } from "./rtas/constants.js";

export type InputFormat = "auto" | "opal" | "rtas" | "dmesg" | "aer" | "hex";
export const INPUT_FORMATS: readonly InputFormat[] = ["auto", "opal", "rtas", "dmesg", "aer", "hex"];

export type Decoded =
  | { readonly kind: "opal-diag"; readonly data: PhbDiagData; readonly notes: readonly PhbDiagNote[]; readonly interpretation: Interpretation }
  | { readonly kind: "dmesg-dump"; readonly dump: ParsedPhbDump; readonly data: PhbDiagData | undefined; readonly interpretation: Interpretation | undefined }
  | { readonly kind: "eeh-events"; readonly events: readonly EehLogEvent[] }
  | { readonly kind: "rtas-log"; readonly log: RtasErrorLog; readonly bytes: Uint8Array }
  | { readonly kind: "aer-log"; readonly reports: readonly AerReport[]; readonly events: readonly AerLogEvent[] }
  /** An interpretation in its binary form (EEHI), as forwarded to a guest beside a diag blob. */
  | { readonly kind: "interpretation"; readonly interpretation: Interpretation };

/** Text if it decodes as UTF-8 without NULs and is mostly printable. */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) bad++;
  }
  return bad === 0 ? text : undefined;
}

const DIAG_OR_EEH = /Diag-data \(Version|EEH: |PE\[[ 0-9a-f.]{3,5}\] A\/B:/;
const RTAS_TEXT = /RTAS[: ]|EEH Event Notification/;
const AER_TEXT = /AER: |PCIe Bus Error: |aer_inject: /;

function decodeBinary(bytes: Uint8Array, format: InputFormat): Decoded[] {
  if (format === "opal" || (format !== "rtas" && detectPhbDiag(bytes))) {
    const { data, notes } = decodePhbDiagDetailed(bytes);
    return [{ kind: "opal-diag", data, notes, interpretation: interpretPhbDiag(data) }];
  }
  if (format === "auto" && bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) === INTERPRETATION_MAGIC) {
    return [{ kind: "interpretation", interpretation: decodeInterpretation(bytes) }];
  }
  let log: RtasErrorLog;
  try {
    log = decodeRtasLog(bytes);
  } catch (e) {
    if (format === "rtas") throw e;
    throw new DecodeError("neither an OPAL PHB diag blob (bad common header), an interpretation (EEHI) nor an RTAS error log", 0, { cause: e instanceof Error ? e.message : String(e) });
  }
  // Any 8 bytes parse as an RTAS fixed header; guessing, take only the versions firmware
  // writes (1–6). Asked for explicitly (--format rtas), decode whatever it says.
  if (format === "auto" && !(log.header.version >= 1 && log.header.version <= RTAS_LOG_VERSION_6)) {
    throw new DecodeError(`not a recognised blob: no OPAL diag or EEHI header, and as an RTAS error log its version would be ${log.header.version} (firmware writes 1 to 6; --format rtas decodes it anyway)`, 0, { version: log.header.version });
  }
  return [{ kind: "rtas-log", log, bytes }];
}

function decodeDmesg(text: string): Decoded[] {
  const parsed = parseKernelLog(text);
  const out: Decoded[] = parsed.dumps.map((dump) => {
    const data = toPhbDiagData(dump);
    return { kind: "dmesg-dump", dump, data, interpretation: data ? interpretParsedDump(dump) : undefined };
  });
  if (parsed.events.length > 0) out.push({ kind: "eeh-events", events: parsed.events });
  return out;
}

/** PCIe AER lines (log/aer): reports and recovery lines, or nothing. */
function decodeAer(text: string): Decoded[] {
  const p = parseAerLog(text);
  return p.reports.length > 0 || p.events.length > 0 ? [{ kind: "aer-log", reports: p.reports, events: p.events }] : [];
}

/** Blobs of a plain hex dump (bare hex, xxd, hexdump -C; blank lines separate blobs). */
function hexBlobs(text: string): Uint8Array[] {
  return readRtasTextEvents(text).map((e) => e.bytes);
}

/**
 * Decode `input` (file contents) in the given format, or detect it. Throws DecodeError —
 * with a byte offset for binary input, a line for text — when nothing decodes.
 */
export function decodeInput(input: Uint8Array, format: InputFormat = "auto"): Decoded[] {
  const text = asText(input);
  if (text === undefined) {
    if (format === "dmesg" || format === "hex" || format === "aer") throw new DecodeError(`expected ${format} text, got binary data`, 0);
    return decodeBinary(input, format);
  }
  switch (format) {
    case "dmesg": {
      const out = [...decodeDmesg(text), ...decodeAer(text)];
      if (out.length === 0) throw new DecodeError("no EEH PHB diag dump, EEH or AER log line in the text", 0, {}, 1);
      return out;
    }
    case "aer": {
      const out = decodeAer(text);
      if (out.length === 0) throw new DecodeError("no PCIe AER log line in the text", 0, {}, 1);
      return out;
    }
    case "rtas":
      return decodeRtasText(text).map((log) => ({ kind: "rtas-log", log, bytes: new Uint8Array(0) }));
    case "opal":
    case "hex":
      return hexBlobs(text).flatMap((b) => decodeBinary(b, format === "opal" ? "opal" : "auto"));
    case "auto": {
      const out: Decoded[] = [];
      if (DIAG_OR_EEH.test(text)) out.push(...decodeDmesg(text));
      if (AER_TEXT.test(text)) out.push(...decodeAer(text));
      // RTAS logs printed among EEH lines (rtas_log_buf dumps in a kernel log) count too.
      if (RTAS_TEXT.test(text)) {
        out.push(...readRtasTextEvents(text).map((e) => ({ kind: "rtas-log" as const, log: decodeRtasLog(e.bytes), bytes: e.bytes })));
      }
      if (out.length === 0) {
        let blobs: Uint8Array[];
        try {
          blobs = hexBlobs(text);
        } catch {
          blobs = [];
        }
        if (blobs.length === 0) throw new DecodeError("no OPAL diag blob, RTAS log, hex dump or EEH log text found", 0, {}, 1);
        for (const b of blobs) out.push(...decodeBinary(b, "auto"));
      }
      return out;
    }
  }
}
