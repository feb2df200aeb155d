// PH, the Private Header ("Main-A"), always 48 bytes and always first (§3.6).

import { RTAS_PH_LENGTH } from "../constants.js";
import { readBcdTimestamp, readChar, writeBcdTimestamp, writeChar, writeExactBytes } from "../fields.js";
import type { PrivateHeaderSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const privateHeaderCodec: SectionCodec<PrivateHeaderSection> = {
  kind: "privateHeader",
  ids: ["PH"],
  length: RTAS_PH_LENGTH,
  decode(r, head) {
    const created = readBcdTimestamp(r, "PH creation date/time");
    const committed = readBcdTimestamp(r, "PH commit date/time");
    const creatorId = readChar(r, "PH creator id");
    r.skip(2, "PH reserved");
    const sectionCount = r.u8("PH section count");
    r.skip(4, "PH reserved");
    const creatorSubsystem = r.bytesCopy(8, "PH creator subsystem");
    const platformLogId = r.u32("PH platform log id");
    const logEntryId = r.u32("PH log entry id");
    return {
      kind: "privateHeader",
      ...headFields<"PH">(head),
      created,
      committed,
      creatorId,
      sectionCount,
      creatorSubsystem,
      platformLogId,
      logEntryId,
    };
  },
  encodeBody(s, w) {
    writeBcdTimestamp(w, s.created, "PH creation date/time");
    writeBcdTimestamp(w, s.committed, "PH commit date/time");
    writeChar(w, s.creatorId, "PH creator id");
    w.zeros(2);
    w.u8(s.sectionCount, "PH section count");
    w.zeros(4);
    writeExactBytes(w, s.creatorSubsystem, 8, "PH creator subsystem");
    w.u32(s.platformLogId, "PH platform log id");
    w.u32(s.logEntryId, "PH log entry id");
  },
};
