// ED, extended user data (opal-elog-parse only, §3.9): a creator id and free-form data.

import { readChar, writeChar } from "../fields.js";
import type { ExtendedUserDataSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const extendedUserDataCodec: SectionCodec<ExtendedUserDataSection> = {
  kind: "extendedUserData",
  ids: ["ED"],
  decode(r, head) {
    const creatorId = readChar(r, "ED creator id");
    r.skip(3, "ED reserved");
    return { kind: "extendedUserData", ...headFields<"ED">(head), creatorId, data: r.bytesCopy(r.remaining(), "ED data") };
  },
  encodeBody(s, w) {
    writeChar(w, s.creatorId, "ED creator id");
    w.zeros(3);
    w.raw(s.data);
  },
};
