// SW, a firmware error (§3.9). Its layout depends on the section version, so there is one
// codec per version; other versions are kept as unknown sections.

import { pad4, readText, writeNulPadded } from "../fields.js";
import type { FirmwareErrorV1Section, FirmwareErrorV2Section } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

/** v1: return code, line, object id, then a NUL-terminated file id padded to 4. */
export const firmwareErrorV1Codec: SectionCodec<FirmwareErrorV1Section> = {
  kind: "firmwareErrorV1",
  ids: ["SW"],
  accepts: (head) => head.version === 1,
  decode(r, head) {
    const returnCode = r.u32("SW return code");
    const lineNumber = r.u32("SW line number");
    const objectId = r.u32("SW object id");
    const fileIdLength = r.u8("SW file id length");
    const fileId = readText(r, fileIdLength, "SW file id");
    return { kind: "firmwareErrorV1", ...headFields<"SW">(head), version: 1, returnCode, lineNumber, objectId, fileId };
  },
  encodeBody(s, w) {
    const bodyStart = w.length;
    w.u32(s.returnCode, "SW return code");
    w.u32(s.lineNumber, "SW line number");
    w.u32(s.objectId, "SW object id");
    const lengthAt = w.length;
    w.u8(0, "SW file id length");
    w.patchU8(lengthAt, writeNulPadded(w, s.fileId, "SW file id"), "SW file id length");
    const body = w.length - bodyStart;
    w.zeros(pad4(body) - body);
  },
};

/** v2: return code, file id, location id, object id (20 bytes in all). */
export const firmwareErrorV2Codec: SectionCodec<FirmwareErrorV2Section> = {
  kind: "firmwareErrorV2",
  ids: ["SW"],
  accepts: (head) => head.version === 2,
  decode(r, head) {
    const returnCode = r.u32("SW return code");
    const fileId = r.u16("SW file id");
    const locationId = r.u16("SW location id");
    const objectId = r.u32("SW object id");
    return { kind: "firmwareErrorV2", ...headFields<"SW">(head), version: 2, returnCode, fileId, locationId, objectId };
  },
  encodeBody(s, w) {
    w.u32(s.returnCode, "SW return code");
    w.u16(s.fileId, "SW file id");
    w.u16(s.locationId, "SW location id");
    w.u32(s.objectId, "SW object id");
  },
};
