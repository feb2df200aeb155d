// Sections this codec does not lay out (MC, vendor ids, SW of an unknown version): the
// header fields and the body bytes, walked by the length field like librtasevent's generic
// sections — without its 8-byte offset and over-read (§3.12 rule 5).

import type { ByteReader } from "../../../core/byte-reader.js";
import type { ByteSink } from "../byte-sink.js";
import type { SectionHead, UnknownSection } from "../types.js";

export function decodeUnknownSection(r: ByteReader, head: SectionHead): UnknownSection {
  return { kind: "unknown", ...head, data: r.bytesCopy(r.remaining(), `${head.id} section data`) };
}

export function encodeUnknownBody(s: UnknownSection, w: ByteSink): void {
  w.raw(s.data);
}
