// decodeInterpretation: the binary form back to an Interpretation (binary-format.ts). Reads
// through ByteReader only, checks every count against the bytes left before reading what it
// counts, and throws DecodeError (with the byte offset) for anything malformed — never
// another exception, never more allocation than the input holds.

import { ByteReader } from "../../core/byte-reader.js";
import { DecodeError } from "../../core/errors.js";
import { PHB_DIAG_MODEL_OF, isPhbDiagIoType } from "../opal/constants.js";
import { findingTypeOfCode, limitKindOfCode, severityOfCode } from "./catalogue.js";
import {
  ABSENT_U16,
  EVIDENCE_CLEAR,
  EVIDENCE_ENTRY_SIZE,
  FINDING_RECORD_FIXED_SIZE,
  INTERPRETATION_HEADER_SIZE,
  INTERPRETATION_MAGIC,
  INTERPRETATION_VERSION_MAJOR,
  LIMIT_RECORD_FIXED_SIZE,
  PRESENT_ADDRESS,
  PRESENT_PE,
  PRESENT_RID,
  PRINTABLE_ASCII,
} from "./binary-format.js";
import { isPciWord, registerOfCode } from "./registers.js";
import type { Evidence, Finding, Interpretation, Limit } from "./types.js";

/** Strict: invalid UTF-8 is an error, and a leading BOM is kept (so decode∘encode = id). */
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function readText(r: ByteReader, n: number, what: string): string {
  const at = r.base + r.offset;
  const b = r.bytesView(n, what);
  try {
    return utf8Strict.decode(b);
  } catch {
    throw new DecodeError(`${what} is not valid UTF-8`, at, { what });
  }
}

function fail(message: string, offset: number, context: Record<string, unknown> = {}): never {
  throw new DecodeError(message, offset, context);
}

export function decodeInterpretation(bytes: Uint8Array): Interpretation {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError("input is not a byte array", 0);
  const r = new ByteReader(bytes);
  const magic = r.u32("magic");
  if (magic !== INTERPRETATION_MAGIC) fail(`bad magic 0x${magic.toString(16).padStart(8, "0")} (an interpretation starts with "EEHI")`, 0, { magic });
  const version = r.u16("version");
  const major = version >> 8;
  if (major !== INTERPRETATION_VERSION_MAJOR) {
    const v = `${major}.${version & 0xff}`;
    fail(major > INTERPRETATION_VERSION_MAJOR ? `interpretation format version ${v} is newer than this reader (${INTERPRETATION_VERSION_MAJOR}.x)` : `interpretation format version ${v} does not exist`, 4, { version: v });
  }
  const headerLength = r.u16("headerLength");
  if (headerLength < INTERPRETATION_HEADER_SIZE) fail(`headerLength ${headerLength} is shorter than the ${INTERPRETATION_HEADER_SIZE}-byte header`, 6, { headerLength });
  const total = r.u32("totalLength");
  if (total !== bytes.byteLength) fail(`totalLength ${total} does not match the ${bytes.byteLength}-byte input`, 8, { totalLength: total, length: bytes.byteLength });
  if (headerLength > total) fail(`headerLength ${headerLength} runs past totalLength ${total}`, 6, { headerLength });
  const modelCode = r.u8("model");
  const severityCode = r.u8("severity");
  const findingCount = r.u16("findingCount");
  const limitCount = r.u16("limitCount");
  const headlineLength = r.u16("headlineLength");
  r.seek(headerLength, "end of header");
  const headline = readText(r, headlineLength, "headline");
  // Every record is at least its fixed part: check the counts before reading them.
  r.need(findingCount * FINDING_RECORD_FIXED_SIZE + limitCount * LIMIT_RECORD_FIXED_SIZE, "records");
  const findings: Finding[] = [];
  for (let i = 0; i < findingCount; i++) findings.push(readFinding(r, `findings[${i}]`));
  const limits: Limit[] = [];
  for (let i = 0; i < limitCount; i++) limits.push(readLimit(r, `limits[${i}]`));
  if (r.remaining() !== 0) fail(`${r.remaining()} bytes after the last record`, r.offset);
  return {
    model: isPhbDiagIoType(modelCode) ? PHB_DIAG_MODEL_OF[modelCode] : "unknown",
    severity: severityOfCode(severityCode) ?? "unknown-error",
    headline,
    findings,
    limits,
  };
}

/** A reader over one record, after checking its length field against the bytes left. */
function record(r: ByteReader, fixed: number, what: string): ByteReader {
  const at = r.offset;
  const len = r.u16(`${what}.recordLength`);
  r.seek(at);
  if (len < fixed) fail(`${what}: recordLength ${len} is shorter than the ${fixed}-byte fixed part`, at, { recordLength: len });
  const rec = r.sub(len, what);
  rec.skip(2, "recordLength");
  return rec;
}

function readFinding(r: ByteReader, what: string): Finding {
  const rec = record(r, FINDING_RECORD_FIXED_SIZE, what);
  const start = rec.base;
  const code = rec.u16(`${what}.type`);
  if (code === 0) fail(`${what}: type code 0 is reserved`, start + 2);
  const flags = rec.u16(`${what}.flags`);
  const present = rec.u8(`${what}.present`);
  if (present & ~(PRESENT_PE | PRESENT_RID | PRESENT_ADDRESS)) fail(`${what}: reserved present bits 0x${present.toString(16)}`, start + 6);
  if (rec.u8(`${what}.reserved`) !== 0) fail(`${what}: reserved byte is not zero`, start + 7);
  const pe = rec.u16(`${what}.pe`);
  const rid = rec.u16(`${what}.rid`);
  const address = rec.u64(`${what}.address`);
  if (!(present & PRESENT_PE) && pe !== ABSENT_U16) fail(`${what}: pe ${pe} written but not marked present`, start + 8);
  if (!(present & PRESENT_RID) && rid !== ABSENT_U16) fail(`${what}: rid ${rid} written but not marked present`, start + 10);
  if (!(present & PRESENT_ADDRESS) && address !== 0n) fail(`${what}: address written but not marked present`, start + 12);
  const evidenceCount = rec.u16(`${what}.evidenceCount`);
  const summaryLength = rec.u16(`${what}.summaryLength`);
  rec.need(evidenceCount * EVIDENCE_ENTRY_SIZE + summaryLength, `${what} evidence and summary`);
  const evidence: Evidence[] = [];
  for (let j = 0; j < evidenceCount; j++) evidence.push(readEvidence(rec, `${what}.evidence[${j}]`));
  const summary = readText(rec, summaryLength, `${what}.summary`);
  const type = findingTypeOfCode(code);
  return {
    type: type ?? "UNKNOWN",
    ...(type === undefined ? { unknownCode: code } : {}),
    flags,
    ...(present & PRESENT_PE ? { pe } : {}),
    ...(present & PRESENT_RID ? { rid } : {}),
    ...(present & PRESENT_ADDRESS ? { address } : {}),
    evidence,
    summary,
  };
}

function readEvidence(rec: ByteReader, what: string): Evidence {
  const at = rec.base + rec.offset;
  const code = rec.u16(`${what}.register`);
  if (code === 0) fail(`${what}: register code 0 is reserved`, at);
  const eflags = rec.u16(`${what}.flags`);
  if (eflags & ~EVIDENCE_CLEAR) fail(`${what}: reserved flag bits 0x${eflags.toString(16)}`, at + 2);
  const mask = rec.u64(`${what}.mask`);
  const reg = registerOfCode(code);
  if (mask === 0n) fail(`${what}: empty mask`, at + 4);
  if (reg.register !== "unknown" && isPciWord(reg.register) && mask >> 32n !== 0n) fail(`${what}: mask wider than the 32-bit ${reg.register}`, at + 4);
  return { ...reg, mask, ...(eflags & EVIDENCE_CLEAR ? { clear: true as const } : {}) };
}

function readLimit(r: ByteReader, what: string): Limit {
  const rec = record(r, LIMIT_RECORD_FIXED_SIZE, what);
  const code = rec.u16(`${what}.kind`);
  if (code === 0) fail(`${what}: kind code 0 is reserved`, rec.base + 2);
  const fieldCount = rec.u16(`${what}.fieldCount`);
  const messageLength = rec.u16(`${what}.messageLength`);
  rec.need(fieldCount, `${what}.fields`); // at least one length byte each
  const fields: string[] = [];
  for (let j = 0; j < fieldCount; j++) {
    const at = rec.base + rec.offset;
    const s = readText(rec, rec.u8(`${what}.fields[${j}] length`), `${what}.fields[${j}]`);
    if (!PRINTABLE_ASCII.test(s)) fail(`${what}.fields[${j}] is not printable ASCII`, at);
    fields.push(s);
  }
  const message = readText(rec, messageLength, `${what}.message`);
  const kind = limitKindOfCode(code);
  return { kind: kind ?? "unknown", ...(kind === undefined ? { code } : {}), fields, message };
}
