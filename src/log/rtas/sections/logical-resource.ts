// LR, a logical resource (processor, memory page or LMB), 20 bytes (§3.9).

import { RTAS_LR_LENGTH } from "../constants.js";
import type { LogicalResourceSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const logicalResourceCodec: SectionCodec<LogicalResourceSection> = {
  kind: "logicalResource",
  ids: ["LR"],
  length: RTAS_LR_LENGTH,
  decode(r, head) {
    const resourceType = r.u8("LR resource type");
    r.skip(1, "LR reserved");
    const capacity = r.u16("LR capacity");
    const resourceId = r.u32("LR resource id");
    const memoryAddressHigh = r.u32("LR memory address high");
    return { kind: "logicalResource", ...headFields<"LR">(head), resourceType, capacity, resourceId, memoryAddressHigh };
  },
  encodeBody(s, w) {
    w.u8(s.resourceType, "LR resource type");
    w.zeros(1);
    w.u16(s.capacity, "LR capacity");
    w.u32(s.resourceId, "LR resource id");
    w.u32(s.memoryAddressHigh, "LR memory address high");
  },
};
