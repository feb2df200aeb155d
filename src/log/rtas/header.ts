// The 8-byte fixed header (§3.1) and the v6 extended header with its company id (§3.3).

import type { ByteReader } from "../../core/byte-reader.js";
import { ArgumentError } from "../../core/errors.js";
import type { ByteSink } from "./byte-sink.js";
import {
  RTAS_DISPOSITION_MASK,
  RTAS_DISPOSITION_SHIFT,
  RTAS_EXTENDED_MASK,
  RTAS_INITIATOR_MASK,
  RTAS_INITIATOR_SHIFT,
  RTAS_SEVERITY_MASK,
  RTAS_SEVERITY_SHIFT,
  RTAS_TARGET_MASK,
  RTAS_V6EXT_COMPANY_ID_IBM,
} from "./constants.js";
import { at, decodeError } from "./fields.js";
import type { RtasFixedHeader, RtasV6ExtendedHeader } from "./types.js";

/** The fixed header with the two fields the structured form derives. */
export interface FixedHeaderWire {
  header: RtasFixedHeader;
  extended: boolean;
  /** Bytes 4–7: bytes after offset 8 (meaningful only when `extended`). */
  extendedLength: number;
}

export function readFixedHeader(r: ByteReader): FixedHeaderWire {
  const version = r.u8("version");
  const b1 = r.u8("severity/disposition");
  const b2 = r.u8("initiator/target");
  const type = r.u8("type");
  const extendedLength = r.u32("extended log length");
  return {
    header: {
      version,
      severity: (b1 & RTAS_SEVERITY_MASK) >> RTAS_SEVERITY_SHIFT,
      disposition: (b1 & RTAS_DISPOSITION_MASK) >> RTAS_DISPOSITION_SHIFT,
      initiator: (b2 & RTAS_INITIATOR_MASK) >> RTAS_INITIATOR_SHIFT,
      target: b2 & RTAS_TARGET_MASK,
      type,
    },
    extended: (b1 & RTAS_EXTENDED_MASK) !== 0,
    extendedLength,
  };
}

function field(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new ArgumentError(`header ${what}: ${v} is not in 0..${max}`, { field: what, value: v });
  return v;
}

export function writeFixedHeader(w: ByteSink, h: RtasFixedHeader, extended: boolean, extendedLength: number): void {
  w.u8(h.version, "header version");
  w.u8(
    (field(h.severity, 7, "severity") << RTAS_SEVERITY_SHIFT) |
      (field(h.disposition, 3, "disposition") << RTAS_DISPOSITION_SHIFT) |
      (extended ? RTAS_EXTENDED_MASK : 0),
    "header byte 1",
  );
  w.u8((field(h.initiator, 15, "initiator") << RTAS_INITIATOR_SHIFT) | field(h.target, 15, "target"), "header byte 2");
  w.u8(h.type, "header type");
  w.u32(extendedLength, "extended log length");
}

/** Bytes 8–23; the company id must be "IBM\0" as Linux and librtasevent require (§3.12 rule 1). */
export function readV6ExtendedHeader(r: ByteReader): RtasV6ExtendedHeader {
  const flags = r.u8("v6 flags");
  r.skip(1, "v6 reserved");
  const format = r.u8("v6 log format");
  r.skip(9, "v6 reserved");
  const companyAt = at(r);
  const company = r.u32("company id");
  if (company !== RTAS_V6EXT_COMPANY_ID_IBM) {
    throw decodeError(r, `company id 0x${company.toString(16).padStart(8, "0")} is not "IBM\\0"`, { company }, companyAt);
  }
  return { flags, format };
}

export function writeV6ExtendedHeader(w: ByteSink, h: RtasV6ExtendedHeader): void {
  w.u8(h.flags, "v6 flags");
  w.zeros(1);
  w.u8(h.format, "v6 log format");
  w.zeros(9);
  w.u32(RTAS_V6EXT_COMPANY_ID_IBM, "company id");
}
