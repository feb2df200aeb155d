// Decoder for PHB diag blobs: validate the header (header.ts), then walk the type's field
// table (layout.ts) with the bounds-checked ByteReader. The header check guarantees the
// whole struct is present before anything is allocated, so the PEST arrays (≤ 1024 words)
// never exceed what the input holds.
//
// Decisions where the spec is open (powernv-opal.md §3):
// * Alignment padding is not a field. skiboot zeroes the struct before filling it, so a
//   non-zero pad is accepted (it carries no meaning) but reported as a note with its offset.
//   `rsv3` *is* a named field of the C struct and is kept in the structure as read.
// * Bytes after `len`: Linux hands OPAL a buffer of max(8192, diag size) bytes (§4.1) and
//   OPAL writes only `len` of it, so a captured buffer is often longer than the struct.
//   Trailing bytes are accepted when they are all zero (reported as a note); a non-zero
//   trailing byte is a DecodeError at its offset, since it means the input is not one blob
//   (wrong len, concatenated blobs, or a different format).

import { ByteReader } from "../../core/byte-reader.js";
import { ArgumentError, DecodeError } from "../../core/errors.js";
import { readPhbDiagHeader } from "./header.js";
import { phbDiagLayout } from "./layout.js";
import type { PhbDiagData } from "./types.js";

export type PhbDiagNote =
  /** A padding word that is not zero (value as read, big-endian). */
  | { readonly kind: "padding-nonzero"; readonly offset: number; readonly size: number; readonly value: number }
  /** All-zero bytes after the struct (the rest of Linux' diag buffer). */
  | { readonly kind: "trailing-zeros"; readonly offset: number; readonly length: number };

export interface DecodedPhbDiag {
  readonly data: PhbDiagData;
  readonly notes: readonly PhbDiagNote[];
}

/** Decode one blob; throws DecodeError (with the byte offset) for anything else. */
export function decodePhbDiag(bytes: Uint8Array): PhbDiagData {
  return decodePhbDiagDetailed(bytes).data;
}

/** As decodePhbDiag, plus notes on tolerated oddities (non-zero padding, trailing zeros). */
export function decodePhbDiagDetailed(bytes: Uint8Array): DecodedPhbDiag {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError("decodePhbDiag expects a Uint8Array", { got: typeof bytes });
  const header = readPhbDiagHeader(bytes);
  const layout = phbDiagLayout(header.ioType);
  const notes: PhbDiagNote[] = [];
  const out: Record<string, unknown> = { ioType: header.ioType, version: header.version };
  const r = new ByteReader(bytes.subarray(0, header.len));
  for (const e of layout.entries) {
    r.seek(e.offset, e.kind === "pad" ? "padding" : e.name);
    switch (e.kind) {
      case "u32":
        out[e.name] = r.u32(e.name);
        break;
      case "u64":
        out[e.name] = r.u64(e.name);
        break;
      case "pad": {
        const value = readPad(r, e.size);
        if (value !== 0) notes.push({ kind: "padding-nonzero", offset: e.offset, size: e.size, value });
        break;
      }
      case "pest": {
        r.need(e.count * 8, e.name);
        const words: bigint[] = new Array<bigint>(e.count);
        for (let i = 0; i < e.count; i++) words[i] = r.u64(`${e.name}[${i}]`);
        out[e.name] = words;
        break;
      }
    }
  }
  const trailing = checkTrailing(bytes, header.len);
  if (trailing) notes.push(trailing);
  return { data: out as unknown as PhbDiagData, notes };
}

function readPad(r: ByteReader, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + r.u8("padding");
  return v;
}

function checkTrailing(bytes: Uint8Array, len: number): PhbDiagNote | undefined {
  if (bytes.byteLength === len) return undefined;
  for (let i = len; i < bytes.byteLength; i++) {
    if (bytes[i] !== 0) {
      throw new DecodeError(
        `non-zero byte 0x${(bytes[i] ?? 0).toString(16)} after the ${len}-byte diag blob (only zero fill may follow it)`,
        i,
        { len, length: bytes.byteLength },
      );
    }
  }
  return { kind: "trailing-zeros", offset: len, length: bytes.byteLength - len };
}
