// CH, the call-home comment: NUL-terminated text of at most 144 characters (§3.9).

import { ArgumentError } from "../../../core/errors.js";
import { RTAS_CH_COMMENT_MAX } from "../constants.js";
import { readText, writeNulPadded } from "../fields.js";
import type { CallHomeSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const callHomeCodec: SectionCodec<CallHomeSection> = {
  kind: "callHome",
  ids: ["CH"],
  decode(r, head) {
    return { kind: "callHome", ...headFields<"CH">(head), comment: readText(r, r.remaining(), "CH comment") };
  },
  encodeBody(s, w) {
    if (s.comment.length > RTAS_CH_COMMENT_MAX) {
      throw new ArgumentError(`CH comment is longer than ${RTAS_CH_COMMENT_MAX} characters`, { length: s.comment.length });
    }
    writeNulPadded(w, s.comment, "CH comment");
  },
};
