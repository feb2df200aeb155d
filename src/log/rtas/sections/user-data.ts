// UD, user-defined data (§3.9): free-form bytes whose meaning the creator chooses through the
// subtype/version. The EEH register dump inside PHyp's UD is decoded separately
// (../eeh-register-dump.ts) because its layout is inferred, not documented.

import type { UserDataSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const userDataCodec: SectionCodec<UserDataSection> = {
  kind: "userData",
  ids: ["UD"],
  decode(r, head) {
    return { kind: "userData", ...headFields<"UD">(head), data: r.bytesCopy(r.remaining(), "UD data") };
  },
  encodeBody(s, w) {
    // Written as is: padding here would come back as data. Builders keep it a multiple of 4.
    w.raw(s.data);
  },
};
