// RTAS error logs (pseries-rtas.md §3–§5): constants, the structured form, the binary codec,
// the EEH log pSeries firmware returns, and the kernel / rtas_errd text forms.

export * from "./constants.js";
export type * from "./types.js";
export { decodeRtasLog, encodeRtasLog } from "./codec.js";
export { DECODED_SECTION_IDS } from "./sections.js";
export { bcdTimestampFromMs } from "./fields.js";
export { buildEehErrorLog, eehErrorLog, eehRegisterDump } from "./eeh-log.js";
export type { EehErrorLogInput, EehRegister, EehRegisterInput } from "./eeh-log.js";
export { decodeRegisterDump, encodeRegisterDump } from "./eeh-register-dump.js";
export type { RegisterDumpBlock } from "./eeh-register-dump.js";
export { rtasLogProblems } from "./checks.js";
export { rtasEventTypeName } from "./names.js";
export { eehNotification, formatEehDate, formatEehNotification, PPC64_DIAG_PREFIX } from "./eeh-notification.js";
export type { EehNotification } from "./eeh-notification.js";
export { formatRtasBeginMarker, formatRtasEndMarker, formatRtasEventSummary, formatRtasHexDump, formatRtasHexLines } from "./text-format.js";
export { formatPlatformLog } from "./platform-log.js";
export type { PlatformLogOptions } from "./platform-log.js";
export { decodeRtasText, readRtasTextEvents } from "./text-read.js";
export type { RtasTextEvent } from "./text-read.js";
