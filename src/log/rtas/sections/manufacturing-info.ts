// MI, manufacturing information, 16 bytes: one flags word (§3.9).

import { RTAS_MI_LENGTH } from "../constants.js";
import type { ManufacturingInfoSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const manufacturingInfoCodec: SectionCodec<ManufacturingInfoSection> = {
  kind: "manufacturingInfo",
  ids: ["MI"],
  length: RTAS_MI_LENGTH,
  decode(r, head) {
    const flags = r.u32("MI flags");
    return { kind: "manufacturingInfo", ...headFields<"MI">(head), flags };
  },
  encodeBody(s, w) {
    w.u32(s.flags, "MI flags");
    w.zeros(4);
  },
};
