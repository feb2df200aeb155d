// Binary RTAS error log ⇄ structured form (§3). decodeRtasLog(encodeRtasLog(x)) deep-equals x
// for every log the encoder accepts; the encoder refuses (ArgumentError) a structure that
// would decode differently, rather than emit it.

import { ByteReader } from "../../core/byte-reader.js";
import { ArgumentError, DecodeError } from "../../core/errors.js";
import { ByteSink } from "./byte-sink.js";
import { RTAS_LOG_VERSION_6, RTAS_V6EXT_HEADER_LENGTH } from "./constants.js";
import { decodeError } from "./fields.js";
import { readFixedHeader, readV6ExtendedHeader, writeFixedHeader, writeV6ExtendedHeader } from "./header.js";
import { encodeSection, readSections } from "./sections.js";
import type { RtasErrorLog, RtasExtendedLog } from "./types.js";

/**
 * Decode one RTAS error log. The log occupies the first 8 (+ extended length) bytes; bytes
 * after it are ignored, as the kernel's /proc read hands out a fixed-size buffer with a stale
 * tail (§4.2). A buffer shorter than the log is refused, as librtasevent refuses it (§3.12).
 * Throws only DecodeError.
 */
export function decodeRtasLog(bytes: Uint8Array): RtasErrorLog {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError("input is not a byte array", 0);
  const r = new ByteReader(bytes);
  const { header, extended, extendedLength } = readFixedHeader(r);
  if (!extended) return { header, extended: { kind: "none", lengthField: extendedLength } };
  if (extendedLength > r.remaining()) {
    throw decodeError(r, `extended log length ${extendedLength} runs past the end of the input (${r.remaining()} bytes after the header)`, { extendedLength }, 4);
  }
  const ext = r.sub(extendedLength, "extended log");
  if (header.version !== RTAS_LOG_VERSION_6 || extendedLength === 0) {
    return { header, extended: { kind: "opaque", bytes: ext.bytesCopy(extendedLength, "extended log") } };
  }
  if (extendedLength < RTAS_V6EXT_HEADER_LENGTH) {
    throw decodeError(r, `v6 extended log length ${extendedLength} is shorter than the 16-byte extended header`, { extendedLength }, 4);
  }
  const v6 = readV6ExtendedHeader(ext);
  return { header, extended: { kind: "v6", header: v6, sections: readSections(ext) } };
}

/** Encode a structured log; lengths, the extended bit and section lengths are computed. */
export function encodeRtasLog(log: RtasErrorLog): Uint8Array {
  const body = encodeExtended(log);
  const w = new ByteSink();
  writeFixedHeader(w, log.header, log.extended.kind !== "none", log.extended.kind === "none" ? log.extended.lengthField : body.length);
  w.raw(body);
  return w.bytes();
}

function encodeExtended(log: RtasErrorLog): Uint8Array {
  const ext: RtasExtendedLog = log.extended;
  const v6 = log.header.version === RTAS_LOG_VERSION_6;
  switch (ext.kind) {
    case "none":
      return new Uint8Array(0);
    case "opaque":
      if (v6 && ext.bytes.length > 0) {
        throw new ArgumentError("a version 6 log with a non-empty extended log is decoded as sections; use kind v6", { length: ext.bytes.length });
      }
      return ext.bytes.slice();
    case "v6": {
      if (!v6) throw new ArgumentError(`sections need header version 6, not ${log.header.version}`, { version: log.header.version });
      const w = new ByteSink();
      writeV6ExtendedHeader(w, ext.header);
      for (const s of ext.sections) w.raw(encodeSection(s));
      return w.bytes();
    }
  }
}
