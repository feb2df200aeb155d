// Interpretation of PHB diag data (seed 004's "well-defined blob"): findings from a fixed
// catalogue with register evidence, their binary and JSON forms, and a text rendering.
// The fast-check arbitraries live in ./arbitraries.ts and are not re-exported (dev tool).

export * from "./catalogue.js";
export type * from "./types.js";
export { interpretPhbDiag, type InterpretOptions } from "./interpret.js";
export { interpretParsedDump, dumpLimits } from "./parsed-dump.js";
export { encodeInterpretation } from "./binary-encode.js";
export { decodeInterpretation } from "./binary-decode.js";
export { INTERPRETATION_MAGIC, INTERPRETATION_VERSION_MAJOR, INTERPRETATION_VERSION_MINOR } from "./binary-format.js";
export { interpretationToJson, interpretationFromJson, INTERPRETATION_JSON_FORMAT, type InterpretationJson, type FindingJson, type EvidenceJson } from "./json.js";
export { formatInterpretation } from "./format.js";
export { describeEvidence } from "./bit-names.js";
export { REGISTER_CODES, evidenceHolds, evidenceRegisterValue, registerCodeOf, registerOfCode } from "./registers.js";
export {
  PHB3_NFIR_DEAD,
  PHB3_NFIR_FENCED,
  PHB3_LEM_FENCED,
  PHB3_LEM_ER,
  PHB3_LEM_INF,
  P7IOC_LEM_PHB,
  P7IOC_LEM_ER,
  P7IOC_LEM_INF,
  PHB4_NFIR_PFIR_FREEZE,
} from "./fir-classes.js";
