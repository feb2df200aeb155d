// UH, the User Header ("Main-B"), always 24 bytes and always second (§3.7).

import { RTAS_UH_LENGTH } from "../constants.js";
import type { UserHeaderSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const userHeaderCodec: SectionCodec<UserHeaderSection> = {
  kind: "userHeader",
  ids: ["UH"],
  length: RTAS_UH_LENGTH,
  decode(r, head) {
    const subsystemId = r.u8("UH subsystem id");
    const eventScope = r.u8("UH event scope");
    const eventSeverity = r.u8("UH event severity");
    const eventType = r.u8("UH event type");
    r.skip(4, "UH reserved");
    const problemDomain = r.u8("UH problem domain");
    const problemVector = r.u8("UH problem vector");
    const actionFlags = r.u16("UH action flags");
    return {
      kind: "userHeader",
      ...headFields<"UH">(head),
      subsystemId,
      eventScope,
      eventSeverity,
      eventType,
      problemDomain,
      problemVector,
      actionFlags,
    };
  },
  encodeBody(s, w) {
    w.u8(s.subsystemId, "UH subsystem id");
    w.u8(s.eventScope, "UH event scope");
    w.u8(s.eventSeverity, "UH event severity");
    w.u8(s.eventType, "UH event type");
    w.zeros(4);
    w.u8(s.problemDomain, "UH problem domain");
    w.u8(s.problemVector, "UH problem vector");
    w.u16(s.actionFlags, "UH action flags");
    w.zeros(4);
  },
};
