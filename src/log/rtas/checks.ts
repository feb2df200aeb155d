// The emission checklist of §3.13 as a function: what in a structured log would make
// librtasevent or opal-elog-parse misread it, or differ from what firmware writes. The
// encoder already guarantees consistent lengths; these are the rules a well-formed
// structure can still break.

import { EehError } from "../../core/errors.js";
import { encodeRtasLog } from "./codec.js";
import {
  RTAS_ERROR_LOG_MAX,
  RTAS_HP_INDEX_LENGTH,
  RTAS_LOG_VERSION_6,
  RTAS_SRC_HEX_WORD_COUNT,
  RTAS_SRC_VERSION,
  RTAS_V6EXT_BIG_ENDIAN,
  RTAS_V6EXT_FORMAT_BYTE,
  RTAS_V6EXT_LOG_VALID,
  RTAS_V6EXT_NEW_LOG,
} from "./constants.js";
import { encodeSection } from "./sections.js";
import type { RtasErrorLog } from "./types.js";

/** Problems found, as sentences; [] when the log follows the checklist. */
export function rtasLogProblems(log: RtasErrorLog, maxLength = RTAS_ERROR_LOG_MAX): string[] {
  const problems: string[] = [];
  let bytes: Uint8Array;
  try {
    bytes = encodeRtasLog(log);
  } catch (e) {
    return [`does not encode: ${e instanceof EehError ? e.message : String(e)}`];
  }
  if (bytes.length > maxLength) problems.push(`log is ${bytes.length} bytes, more than ${maxLength} (Linux truncates it)`);
  if (log.header.version !== RTAS_LOG_VERSION_6) problems.push(`version ${log.header.version}, not 6`);
  const ext = log.extended;
  if (ext.kind !== "v6") {
    problems.push(`no v6 extended log (${ext.kind})`);
    return problems;
  }
  const required = RTAS_V6EXT_LOG_VALID | RTAS_V6EXT_NEW_LOG | RTAS_V6EXT_BIG_ENDIAN;
  if ((ext.header.flags & required) !== required) problems.push(`extended flags 0x${ext.header.flags.toString(16)} lack valid/new/big-endian (0x86)`);
  if (ext.header.format !== RTAS_V6EXT_FORMAT_BYTE) problems.push(`log format byte 0x${ext.header.format.toString(16)}, not 0x8e`);
  const [first, second] = ext.sections;
  if (first?.kind !== "privateHeader") problems.push("first section is not PH");
  if (second?.kind !== "userHeader") problems.push("second section is not UH");
  for (const [i, s] of ext.sections.entries()) {
    const where = `section ${i} (${s.id})`;
    const length = encodeSection(s).length;
    if (length % 4 !== 0) problems.push(`${where} length ${length} is not a multiple of 4`);
    if (s.kind === "privateHeader" && s.sectionCount !== ext.sections.length) {
      problems.push(`${where} section count ${s.sectionCount}, the log has ${ext.sections.length}`);
    }
    if (s.kind === "src") {
      if (s.srcVersion !== RTAS_SRC_VERSION) problems.push(`${where} SRC version ${s.srcVersion}, not 2`);
      if (s.hexWordCount !== RTAS_SRC_HEX_WORD_COUNT) problems.push(`${where} hex word count ${s.hexWordCount}, not 9`);
    }
    if (s.kind === "hotplug" && length !== RTAS_HP_INDEX_LENGTH) {
      problems.push(`${where} is ${length} bytes; librtasevent advances HP by 16 and would lose its place`);
    }
  }
  return problems;
}
