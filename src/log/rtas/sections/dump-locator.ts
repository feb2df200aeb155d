// DH, the dump locator, 64 bytes (§3.9): the OS dump id is a 40-byte field of which the
// length byte says how much is valid.

import { RTAS_DH_LENGTH, RTAS_DH_OS_ID_MAX } from "../constants.js";
import { decodeError, writeBoundedBytes } from "../fields.js";
import type { DumpLocatorSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const dumpLocatorCodec: SectionCodec<DumpLocatorSection> = {
  kind: "dumpLocator",
  ids: ["DH"],
  length: RTAS_DH_LENGTH,
  decode(r, head) {
    const dumpId = r.u32("DH dump id");
    const flags = r.u8("DH flags");
    r.skip(2, "DH reserved");
    const idLengthAt = r.base + r.offset;
    const osIdLength = r.u8("DH OS dump id length");
    const dumpSize = r.u64("DH dump size");
    if (osIdLength > RTAS_DH_OS_ID_MAX) throw decodeError(r, `DH OS dump id length ${osIdLength} exceeds its ${RTAS_DH_OS_ID_MAX}-byte field`, { osIdLength }, idLengthAt);
    const osDumpId = r.bytesCopy(osIdLength, "DH OS dump id");
    return { kind: "dumpLocator", ...headFields<"DH">(head), dumpId, flags, dumpSize, osDumpId };
  },
  encodeBody(s, w) {
    w.u32(s.dumpId, "DH dump id");
    w.u8(s.flags, "DH flags");
    w.zeros(2);
    w.u8(s.osDumpId.length, "DH OS dump id length");
    w.u64(s.dumpSize, "DH dump size");
    writeBoundedBytes(w, s.osDumpId, RTAS_DH_OS_ID_MAX, "DH OS dump id");
    w.zeros(RTAS_DH_OS_ID_MAX - s.osDumpId.length);
  },
};
