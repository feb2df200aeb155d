// The contract every section module implements: decode a body (the bytes after the 8-byte
// section header, §3.4) and encode one back. The walker in ../sections.ts owns the header
// and the length field, so a codec never sees bytes outside its own section.

import type { ByteReader } from "../../../core/byte-reader.js";
import type { ByteSink } from "../byte-sink.js";
import type { RtasSection, SectionHead } from "../types.js";

export interface SectionCodec<S extends RtasSection = RtasSection> {
  readonly kind: S["kind"];
  /** The ids this codec reads. */
  readonly ids: readonly string[];
  /**
   * Exact total length (header included) for fixed-size sections. librtasevent advances by
   * these sizes whatever the length field says (§3.12 rule 2), so a different length means the
   * bytes are not this section and the walker rejects them.
   */
  readonly length?: number;
  /** Whether this codec understands a section with this header (default: any). */
  accepts?(head: SectionHead): boolean;
  /** `body` covers exactly the section's length − 8 bytes; offsets in its errors are absolute. */
  decode(body: ByteReader, head: SectionHead): S;
  encodeBody(section: S, out: ByteSink): void;
}

/** The common header fields of a decoded section, typed with its literal id. */
export function headFields<I extends string>(head: SectionHead): { id: I; version: number; subtype: number; creatorComponent: number } {
  return { id: head.id as I, version: head.version, subtype: head.subtype, creatorComponent: head.creatorComponent };
}
