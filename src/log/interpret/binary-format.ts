// The binary form of an interpretation — the "well-defined blob" a host forwards beside the
// raw diag blob (seed 004): big-endian, self-delimiting, versioned. This module holds the
// layout constants; binary-encode.ts and binary-decode.ts walk them, and
// docs/interpretation.md gives the layout byte by byte.
//
// Compatibility: a reader accepts any minor version of its major. A newer minor may add
// header bytes (headerLength), bytes at the end of a record (recordLength), and new codes
// for finding types, registers, limit kinds, models, severities and flag bits; this reader
// keeps unknown finding types as UNKNOWN with their code, unknown registers and limit kinds
// as "unknown" with their code, and unknown flag bits as they are (models and severities it
// does not know read as "unknown" / "unknown-error"). Anything that changes the meaning of
// existing bytes needs a new major version, which this reader rejects. Reserved bits and
// bytes must be zero.

/** "EEHI" */
export const INTERPRETATION_MAGIC = 0x45454849;
export const INTERPRETATION_VERSION_MAJOR = 1;
export const INTERPRETATION_VERSION_MINOR = 0;
/** Fixed header of version 1.0 (a newer minor may write a longer one). */
export const INTERPRETATION_HEADER_SIZE = 20;
/** Fixed part of a finding record. */
export const FINDING_RECORD_FIXED_SIZE = 24;
export const EVIDENCE_ENTRY_SIZE = 12;
/** Fixed part of a limit record. */
export const LIMIT_RECORD_FIXED_SIZE = 8;

// Finding record byte 6 "present": which of PE, RID, address the record carries.
export const PRESENT_PE = 0x01;
export const PRESENT_RID = 0x02;
export const PRESENT_ADDRESS = 0x04;
/** Evidence flags bit 0: the finding rests on the bits being clear. */
export const EVIDENCE_CLEAR = 0x0001;
export const ABSENT_U16 = 0xffff;
export const U16_MAX = 0xffff;

/** Limit field names are printable ASCII. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

