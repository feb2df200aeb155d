// encodeInterpretation: an Interpretation to its binary form (binary-format.ts). Rejects,
// with ArgumentError, what the format cannot carry or a reader would misread: values beyond
// their field, text that is not well-formed, an "unknown" code that names a known entry.

import { ByteWriter } from "../../core/byte-reader.js";
import { ArgumentError } from "../../core/errors.js";
import { PHB_DIAG_IOTYPE_OF } from "../opal/constants.js";
import { FINDING_TYPES, LIMIT_KINDS, SEVERITIES, findingTypeOfCode, limitKindOfCode } from "./catalogue.js";
import {
  ABSENT_U16,
  EVIDENCE_CLEAR,
  EVIDENCE_ENTRY_SIZE,
  FINDING_RECORD_FIXED_SIZE,
  INTERPRETATION_HEADER_SIZE,
  INTERPRETATION_MAGIC,
  INTERPRETATION_VERSION_MAJOR,
  INTERPRETATION_VERSION_MINOR,
  LIMIT_RECORD_FIXED_SIZE,
  PRESENT_ADDRESS,
  PRESENT_PE,
  PRESENT_RID,
  PRINTABLE_ASCII,
  U16_MAX,
} from "./binary-format.js";
import { isPciWord, registerCodeOf, registerOfCode } from "./registers.js";
import type { Evidence, Finding, Interpretation, Limit } from "./types.js";

const utf8 = new TextEncoder();
/** TextEncoder would turn a lone surrogate into U+FFFD, and decode∘encode would not be id. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A finding with its text encoded and codes resolved: sizes are known before writing. */
interface EncodedFinding {
  readonly f: Finding;
  readonly code: number;
  readonly summary: Uint8Array;
  readonly evidence: readonly { readonly code: number; readonly e: Evidence }[];
}

interface EncodedLimit {
  readonly l: Limit;
  readonly code: number;
  readonly fields: readonly Uint8Array[];
  readonly message: Uint8Array;
}

function text(s: string, what: string): Uint8Array {
  if (typeof s !== "string" || LONE_SURROGATE.test(s)) throw new ArgumentError(`${what} is not well-formed text`, { what });
  const b = utf8.encode(s);
  if (b.byteLength > U16_MAX) throw new ArgumentError(`${what} is ${b.byteLength} bytes of UTF-8, more than ${U16_MAX}`, { what });
  return b;
}

function u16In(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > U16_MAX) throw new ArgumentError(`${what} ${v} is not a u16`, { what, value: v });
  return v;
}

function findingCode(f: Finding, what: string): number {
  if (f.unknownCode === undefined) {
    if (!(f.type in FINDING_TYPES)) throw new ArgumentError(`${what}.type "${String(f.type)}" is not in the catalogue`, { what });
    return FINDING_TYPES[f.type].code;
  }
  if (f.type !== "UNKNOWN" || findingTypeOfCode(f.unknownCode) !== undefined || f.unknownCode === 0) {
    throw new ArgumentError(`${what}.unknownCode ${f.unknownCode} must be a code the catalogue does not know, on an UNKNOWN finding`, { what });
  }
  return u16In(f.unknownCode, `${what}.unknownCode`);
}

function evidenceCode(e: Evidence, what: string): number {
  let code: number;
  try {
    code = registerCodeOf(e);
  } catch (err) {
    throw new ArgumentError(`${what}: ${(err as Error).message}`, { what });
  }
  u16In(code, `${what} register code`);
  if (code === 0) throw new ArgumentError(`${what}: register code 0 is reserved`, { what });
  if (e.register === "unknown" && registerOfCode(code).register !== "unknown") throw new ArgumentError(`${what}: code 0x${code.toString(16)} is a known register`, { what });
  const width = e.register !== "unknown" && isPciWord(e.register) ? 32n : 64n;
  if (typeof e.mask !== "bigint" || e.mask <= 0n || e.mask >> width !== 0n) throw new ArgumentError(`${what}.mask must be a non-zero ${width}-bit value`, { what });
  return code;
}

function limitCode(l: Limit, what: string): number {
  if (l.kind === "unknown") {
    if (l.code === undefined || limitKindOfCode(l.code) !== undefined || l.code === 0) throw new ArgumentError(`${what}.code must be a limit code the catalogue does not know`, { what });
    return u16In(l.code, `${what}.code`);
  }
  if (!(l.kind in LIMIT_KINDS)) throw new ArgumentError(`${what}.kind "${String(l.kind)}" is not in the catalogue`, { what });
  return LIMIT_KINDS[l.kind];
}

export function encodeInterpretation(interp: Interpretation): Uint8Array {
  const headline = text(interp.headline, "headline");
  const findings: EncodedFinding[] = interp.findings.map((f, i) => {
    const what = `findings[${i}]`;
    u16In(f.flags, `${what}.flags`);
    if (f.pe !== undefined) u16In(f.pe, `${what}.pe`);
    if (f.rid !== undefined) u16In(f.rid, `${what}.rid`);
    if (f.address !== undefined && (typeof f.address !== "bigint" || f.address < 0n || f.address >> 64n !== 0n)) throw new ArgumentError(`${what}.address is not a u64`, { what });
    u16In(f.evidence.length, `${what}.evidence.length`);
    return {
      f,
      code: findingCode(f, what),
      summary: text(f.summary, `${what}.summary`),
      evidence: f.evidence.map((e, j) => ({ e, code: evidenceCode(e, `${what}.evidence[${j}]`) })),
    };
  });
  const limits: EncodedLimit[] = interp.limits.map((l, i) => {
    const what = `limits[${i}]`;
    u16In(l.fields.length, `${what}.fields.length`);
    const fields = l.fields.map((s, j) => {
      if (typeof s !== "string" || !PRINTABLE_ASCII.test(s) || s.length > 0xff) throw new ArgumentError(`${what}.fields[${j}] must be printable ASCII of at most 255 characters`, { what });
      return utf8.encode(s);
    });
    return { l, code: limitCode(l, what), fields, message: text(l.message, `${what}.message`) };
  });
  u16In(findings.length, "findings.length");
  u16In(limits.length, "limits.length");
  const model = interp.model === "unknown" ? 0 : PHB_DIAG_IOTYPE_OF[interp.model];
  if (model === undefined) throw new ArgumentError(`model "${String(interp.model)}" is not P7IOC, PHB3, PHB4 or unknown`);
  const severity = SEVERITIES[interp.severity];
  if (severity === undefined) throw new ArgumentError(`severity "${String(interp.severity)}" is not in the catalogue`);

  const findingSize = (x: EncodedFinding): number => FINDING_RECORD_FIXED_SIZE + EVIDENCE_ENTRY_SIZE * x.evidence.length + x.summary.byteLength;
  const limitSize = (x: EncodedLimit): number => LIMIT_RECORD_FIXED_SIZE + x.fields.reduce((n, b) => n + 1 + b.byteLength, 0) + x.message.byteLength;
  const total = INTERPRETATION_HEADER_SIZE + headline.byteLength + findings.reduce((n, x) => n + findingSize(x), 0) + limits.reduce((n, x) => n + limitSize(x), 0);
  if (total > 0xffffffff) throw new ArgumentError(`interpretation of ${total} bytes does not fit a u32 length`);
  for (const x of [...findings.map(findingSize), ...limits.map(limitSize)]) u16In(x, "record length");

  const w = new ByteWriter(total);
  w.u32(INTERPRETATION_MAGIC);
  w.u16((INTERPRETATION_VERSION_MAJOR << 8) | INTERPRETATION_VERSION_MINOR);
  w.u16(INTERPRETATION_HEADER_SIZE);
  w.u32(total);
  w.u8(model);
  w.u8(severity);
  w.u16(findings.length);
  w.u16(limits.length);
  w.u16(headline.byteLength);
  w.bytes_(headline);
  for (const x of findings) {
    const { f } = x;
    w.u16(findingSize(x));
    w.u16(x.code);
    w.u16(f.flags);
    w.u8((f.pe !== undefined ? PRESENT_PE : 0) | (f.rid !== undefined ? PRESENT_RID : 0) | (f.address !== undefined ? PRESENT_ADDRESS : 0));
    w.u8(0);
    w.u16(f.pe ?? ABSENT_U16);
    w.u16(f.rid ?? ABSENT_U16);
    w.u64(f.address ?? 0n);
    w.u16(x.evidence.length);
    w.u16(x.summary.byteLength);
    for (const { e, code } of x.evidence) {
      w.u16(code);
      w.u16(e.clear ? EVIDENCE_CLEAR : 0);
      w.u64(e.mask);
    }
    w.bytes_(x.summary);
  }
  for (const x of limits) {
    w.u16(limitSize(x));
    w.u16(x.code);
    w.u16(x.fields.length);
    w.u16(x.message.byteLength);
    for (const b of x.fields) {
      w.u8(b.byteLength);
      w.bytes_(b);
    }
    w.bytes_(x.message);
  }
  return w.bytes;
}

