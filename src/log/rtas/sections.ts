// The section walker and the table of section codecs (§3.4, §3.5). Sections follow each
// other back to back from offset 24; each is walked by its length field, which is checked
// against the bytes left before anything is read from it (a length below the 8-byte header
// is refused, so the walk always advances).

import type { ByteReader } from "../../core/byte-reader.js";
import { ArgumentError } from "../../core/errors.js";
import { ByteSink } from "./byte-sink.js";
import { RTAS_SECTION_HEADER_LENGTH } from "./constants.js";
import { at, decodeError, readId, writeId } from "./fields.js";
import { callHomeCodec } from "./sections/call-home.js";
import type { SectionCodec } from "./sections/section-codec.js";
import { dumpLocatorCodec } from "./sections/dump-locator.js";
import { envInfoCodec } from "./sections/env-info.js";
import { epowCodec } from "./sections/epow.js";
import { extendedUserDataCodec } from "./sections/extended-user-data.js";
import { extendedUserHeaderCodec } from "./sections/extended-user-header.js";
import { firmwareErrorV1Codec, firmwareErrorV2Codec } from "./sections/firmware-error.js";
import { hotplugCodec } from "./sections/hotplug.js";
import { ioEventCodec } from "./sections/io-event.js";
import { logicalResourceCodec } from "./sections/logical-resource.js";
import { manufacturingInfoCodec } from "./sections/manufacturing-info.js";
import { mtmsCodec } from "./sections/mtms.js";
import { partitionCodec } from "./sections/partition.js";
import { privateHeaderCodec } from "./sections/private-header.js";
import { srcCodec } from "./sections/src.js";
import { decodeUnknownSection, encodeUnknownBody } from "./sections/unknown.js";
import { userDataCodec } from "./sections/user-data.js";
import { userHeaderCodec } from "./sections/user-header.js";
import type { RtasSection, RtasSectionKind, SectionHead } from "./types.js";

type KnownKind = Exclude<RtasSectionKind, "unknown">;

/** One codec per decoded kind. MC (machine check) is in the catalogue but not laid out by the spec. */
const CODECS: { readonly [K in KnownKind]: SectionCodec<Extract<RtasSection, { kind: K }>> } = {
  privateHeader: privateHeaderCodec,
  userHeader: userHeaderCodec,
  src: srcCodec,
  mtms: mtmsCodec,
  partition: partitionCodec,
  logicalResource: logicalResourceCodec,
  dumpLocator: dumpLocatorCodec,
  epow: epowCodec,
  ioEvent: ioEventCodec,
  hotplug: hotplugCodec,
  firmwareErrorV1: firmwareErrorV1Codec,
  firmwareErrorV2: firmwareErrorV2Codec,
  userData: userDataCodec,
  extendedUserHeader: extendedUserHeaderCodec,
  manufacturingInfo: manufacturingInfoCodec,
  callHome: callHomeCodec,
  extendedUserData: extendedUserDataCodec,
  envInfo: envInfoCodec,
};

const BY_ID = new Map<string, SectionCodec[]>();
for (const codec of Object.values(CODECS) as SectionCodec[]) {
  for (const id of codec.ids) BY_ID.set(id, [...(BY_ID.get(id) ?? []), codec]);
}

/** The codec that reads a section with this header, if any. */
export function codecFor(head: SectionHead): SectionCodec | undefined {
  return BY_ID.get(head.id)?.find((c) => c.accepts?.(head) ?? true);
}

/** Ids with a decoded layout (for any version). */
export const DECODED_SECTION_IDS: ReadonlySet<string> = new Set(BY_ID.keys());

// ---- decode ----

/** All sections from the reader's position to its end. */
export function readSections(r: ByteReader): RtasSection[] {
  const sections: RtasSection[] = [];
  while (r.remaining() > 0) {
    const start = at(r);
    if (r.remaining() < RTAS_SECTION_HEADER_LENGTH) {
      throw decodeError(r, `${r.remaining()} bytes after the last section are too few for a section header`, { left: r.remaining() }, start);
    }
    const id = readId(r, "section id");
    const length = r.u16("section length");
    const version = r.u8("section version");
    const subtype = r.u8("section subtype");
    const creatorComponent = r.u16("section creator component");
    const head: SectionHead = { id, version, subtype, creatorComponent };
    const name = printableId(id);
    if (length < RTAS_SECTION_HEADER_LENGTH) {
      throw decodeError(r, `${name} section length ${length} is shorter than its 8-byte header`, { id, length }, start + 2);
    }
    if (length - RTAS_SECTION_HEADER_LENGTH > r.remaining()) {
      throw decodeError(r, `${name} section length ${length} runs past the end of the log (${r.remaining() + RTAS_SECTION_HEADER_LENGTH} bytes left)`, { id, length }, start + 2);
    }
    const codec = codecFor(head);
    if (codec?.length !== undefined && length !== codec.length) {
      throw decodeError(r, `${name} section length ${length}, expected ${codec.length}`, { id, length }, start + 2);
    }
    const body = r.sub(length - RTAS_SECTION_HEADER_LENGTH, `${name} section`);
    sections.push(codec ? codec.decode(body, head) : decodeUnknownSection(body, head));
  }
  return sections;
}

/** An id as text for messages (non-printable bytes in hex). */
export function printableId(id: string): string {
  return /^[\x20-\x7e]{2}$/.test(id) ? `"${id}"` : `0x${[...id].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("")}`;
}

// ---- encode ----

/** One section, header included, with its length filled in. */
export function encodeSection(s: RtasSection): Uint8Array {
  const w = new ByteSink();
  writeId(w, s.id, "section id");
  w.u16(0, "section length");
  w.u8(s.version, `${s.id} section version`);
  w.u8(s.subtype, `${s.id} section subtype`);
  w.u16(s.creatorComponent, `${s.id} section creator component`);
  if (s.kind === "unknown") {
    if (codecFor(s)) throw new ArgumentError(`section ${printableId(s.id)} version ${s.version} has a decoded form; an unknown section with that header would decode differently`, { id: s.id });
    encodeUnknownBody(s, w);
  } else {
    const codec = CODECS[s.kind] as SectionCodec;
    if (codecFor(s) !== codec) {
      throw new ArgumentError(`a ${s.kind} section cannot have id ${printableId(s.id)} version ${s.version} (ids ${codec.ids.join("/")})`, { id: s.id, kind: s.kind });
    }
    codec.encodeBody(s, w);
    if (codec.length !== undefined && w.length !== codec.length) {
      throw new Error(`internal: ${s.id} encoder wrote ${w.length} bytes, the section is ${codec.length}`);
    }
  }
  w.patchU16(2, w.length, `${s.id} section length`);
  return w.bytes();
}
