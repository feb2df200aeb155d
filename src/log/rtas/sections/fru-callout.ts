// FRU callouts of the PS/SS 0xC0 subsection and their substructures (§3.8).
//
// Every callout and substructure is walked by its own length byte, checked against the space
// left, instead of librtasevent's byte-by-byte scan for "ID"/"PE"/"MR" (§3.12 rule 3); a length
// below the 4-byte head is an error (it is also what would stop the walk from advancing).
// After the last substructure, fewer than 4 bytes or a NUL id are padding.

import type { ByteReader } from "../../../core/byte-reader.js";
import { ArgumentError } from "../../../core/errors.js";
import type { ByteSink } from "../byte-sink.js";
import {
  RTAS_FRU_ID_CCIN,
  RTAS_FRU_ID_CCIN_LENGTH,
  RTAS_FRU_ID_PART_LENGTH,
  RTAS_FRU_ID_PART_NUMBER,
  RTAS_FRU_ID_PROCEDURE_ID,
  RTAS_FRU_ID_SERIAL,
  RTAS_FRU_ID_SERIAL_LENGTH,
  RTAS_FRU_MR_COUNT_MASK,
  RTAS_FRU_PE_NAME_MAX,
} from "../constants.js";
import { at, decodeError, pad4, readChar, readId, readText, writeBoundedBytes, writeChar, writeId, writeNulPadded, writeText } from "../fields.js";
import type { FruCallout, FruIdentity, FruMruList, FruPowerEnclosure, FruSubstructure } from "../types.js";
import { readMtms, writeMtms } from "./mtms.js";

const SUBSTRUCTURE_HEAD = 4;
const KNOWN_SUBSTRUCTURE_IDS = new Set(["ID", "MR", "PE"]);

// ---- decode ----

/** The callouts of a subsection body (the bytes after its 4-byte head). */
export function readCallouts(r: ByteReader): FruCallout[] {
  const callouts: FruCallout[] = [];
  while (r.remaining() > 0) {
    const start = at(r);
    const length = r.u8("FRU callout length");
    if (length < 4) throw decodeError(r, `FRU callout length ${length} is shorter than its 4-byte head`, { length }, start);
    if (length - 1 > r.remaining()) {
      throw decodeError(r, `FRU callout length ${length} runs past the callout subsection (${r.remaining() + 1} bytes left)`, { length }, start);
    }
    callouts.push(readCallout(r.sub(length - 1, "FRU callout")));
  }
  return callouts;
}

/** One callout, from its flags byte to its end. */
function readCallout(r: ByteReader): FruCallout {
  const flags = r.u8("FRU callout flags");
  const priority = readChar(r, "FRU callout priority");
  const locationLength = r.u8("FRU location code length");
  const locationCode = readText(r, locationLength, "FRU location code");
  const substructures: FruSubstructure[] = [];
  while (r.remaining() >= SUBSTRUCTURE_HEAD) {
    const start = at(r);
    const id = readId(r, "FRU substructure id");
    if (id === "\0\0") break; // padding to the callout's end
    const length = r.u8("FRU substructure length");
    const subFlags = r.u8("FRU substructure flags");
    if (length < SUBSTRUCTURE_HEAD) throw decodeError(r, `FRU "${id}" substructure length ${length} is shorter than its 4-byte head`, { id, length }, start);
    if (length - SUBSTRUCTURE_HEAD > r.remaining()) {
      throw decodeError(r, `FRU "${id}" substructure length ${length} runs past its callout`, { id, length }, start);
    }
    substructures.push(readSubstructure(r.sub(length - SUBSTRUCTURE_HEAD, `FRU ${id} substructure`), id, subFlags));
  }
  return { flags, priority, locationCode, substructures };
}

function readSubstructure(r: ByteReader, id: string, flags: number): FruSubstructure {
  switch (id) {
    case "ID":
      return readIdentity(r, flags);
    case "MR":
      return readMruList(r, flags);
    case "PE":
      return readPowerEnclosure(r, flags);
    default:
      return { kind: "unknown", id, flags, data: r.bytesCopy(r.remaining(), "FRU substructure data") };
  }
}

function readIdentity(r: ByteReader, flags: number): FruIdentity {
  const out: FruIdentity = { kind: "identity", flags };
  // Part number and procedure id share the first 8-byte slot (§3.8); librtasevent reads 7
  // bytes here and shifts everything after (§3.12 rule 4), opal-elog-parse reads 8, as here.
  if (flags & (RTAS_FRU_ID_PART_NUMBER | RTAS_FRU_ID_PROCEDURE_ID)) {
    const slot = readText(r, RTAS_FRU_ID_PART_LENGTH, "FRU part number / procedure id");
    if (flags & RTAS_FRU_ID_PART_NUMBER) out.partNumber = slot;
    else out.procedureId = slot;
  }
  if (flags & RTAS_FRU_ID_CCIN) out.ccin = readText(r, RTAS_FRU_ID_CCIN_LENGTH, "FRU CCIN");
  if (flags & RTAS_FRU_ID_SERIAL) out.serialNumber = readText(r, RTAS_FRU_ID_SERIAL_LENGTH, "FRU serial number");
  return out;
}

function readMruList(r: ByteReader, flags: number): FruMruList {
  const count = flags & RTAS_FRU_MR_COUNT_MASK;
  r.skip(4, "MRU list reserved");
  const mrus: FruMruList["mrus"] = [];
  for (let i = 0; i < count; i++) {
    r.skip(3, "MRU reserved");
    const priority = readChar(r, "MRU priority");
    const id = r.u32("MRU id");
    mrus.push({ priority, id });
  }
  return { kind: "mru", flags: flags & ~RTAS_FRU_MR_COUNT_MASK, mrus };
}

function readPowerEnclosure(r: ByteReader, flags: number): FruPowerEnclosure {
  const mtms = readMtms(r, "FRU PE");
  const pceName = readText(r, Math.min(r.remaining(), RTAS_FRU_PE_NAME_MAX), "FRU PE enclosure name");
  return { kind: "enclosure", flags, ...mtms, pceName };
}

// ---- encode ----

export function writeCallouts(w: ByteSink, callouts: readonly FruCallout[]): void {
  callouts.forEach((c, i) => writeCallout(w, c, `FRU callout ${i + 1}`));
}

function writeCallout(w: ByteSink, c: FruCallout, what: string): void {
  const start = w.length;
  w.u8(0, what); // length, patched below
  w.u8(c.flags, `${what} flags`);
  writeChar(w, c.priority, `${what} priority`);
  const locStart = w.length;
  w.u8(0, `${what} location code length`);
  const locLength = writeNulPadded(w, c.locationCode, `${what} location code`);
  w.patchU8(locStart, locLength, `${what} location code length`);
  for (const s of c.substructures) writeSubstructure(w, s, what);
  // Keep callouts whole words so the subsection length (in words) is exact; an unknown
  // substructure may leave 1–3 bytes over, which the decoder reads as padding.
  w.zeros((4 - ((w.length - start) % 4)) % 4);
  w.patchU8(start, w.length - start, `${what} length`);
}

function writeSubstructure(w: ByteSink, s: FruSubstructure, what: string): void {
  const start = w.length;
  switch (s.kind) {
    case "identity":
      writeId(w, "ID", what);
      w.u8(0, what);
      w.u8(s.flags, `${what} ID flags`);
      writeIdentityFields(w, s, what);
      break;
    case "mru":
      writeId(w, "MR", what);
      w.u8(0, what);
      if (s.flags & RTAS_FRU_MR_COUNT_MASK) throw new ArgumentError(`${what} MR flags: the low nibble is the MRU count, pass only the high nibble`, { flags: s.flags });
      if (s.mrus.length > RTAS_FRU_MR_COUNT_MASK) throw new ArgumentError(`${what}: at most 15 MRUs, got ${s.mrus.length}`);
      w.u8(s.flags | s.mrus.length, `${what} MR flags`);
      w.zeros(4);
      for (const m of s.mrus) {
        w.zeros(3);
        writeChar(w, m.priority, `${what} MRU priority`);
        w.u32(m.id, `${what} MRU id`);
      }
      break;
    case "enclosure":
      writeId(w, "PE", what);
      w.u8(0, what);
      w.u8(s.flags, `${what} PE flags`);
      writeMtms(w, s, `${what} PE`);
      if (s.pceName.length > RTAS_FRU_PE_NAME_MAX) throw new ArgumentError(`${what} PE name is longer than ${RTAS_FRU_PE_NAME_MAX}`, { name: s.pceName });
      writeText(w, s.pceName, pad4(s.pceName.length), `${what} PE name`);
      break;
    case "unknown":
      if (KNOWN_SUBSTRUCTURE_IDS.has(s.id) || s.id === "\0\0") {
        throw new ArgumentError(`${what}: substructure id "${s.id}" cannot be written as unknown (it would decode differently)`, { id: s.id });
      }
      writeId(w, s.id, `${what} substructure id`);
      w.u8(0, what);
      w.u8(s.flags, `${what} substructure flags`);
      writeBoundedBytes(w, s.data, 255 - SUBSTRUCTURE_HEAD, `${what} substructure data`);
      break;
  }
  w.patchU8(start + 2, w.length - start, `${what} substructure length`);
}

/** The identity fields must be exactly those its flags announce, or the bytes would decode differently. */
function writeIdentityFields(w: ByteSink, s: FruIdentity, what: string): void {
  const part = (s.flags & RTAS_FRU_ID_PART_NUMBER) !== 0;
  const proc = !part && (s.flags & RTAS_FRU_ID_PROCEDURE_ID) !== 0;
  const agree = (flag: boolean, value: string | undefined, name: string) => {
    if (flag !== (value !== undefined)) {
      throw new ArgumentError(`${what} ID: ${name} ${flag ? "is flagged but missing" : "is set but its flag is clear"} (flags 0x${s.flags.toString(16)})`, { flags: s.flags });
    }
  };
  agree(part, s.partNumber, "part number");
  agree(proc, s.procedureId, "procedure id");
  agree((s.flags & RTAS_FRU_ID_CCIN) !== 0, s.ccin, "CCIN");
  agree((s.flags & RTAS_FRU_ID_SERIAL) !== 0, s.serialNumber, "serial number");
  const slot = s.partNumber ?? s.procedureId;
  if (slot !== undefined) writeText(w, slot, RTAS_FRU_ID_PART_LENGTH, `${what} part number / procedure id`);
  if (s.ccin !== undefined) writeText(w, s.ccin, RTAS_FRU_ID_CCIN_LENGTH, `${what} CCIN`);
  if (s.serialNumber !== undefined) writeText(w, s.serialNumber, RTAS_FRU_ID_SERIAL_LENGTH, `${what} serial number`);
}
