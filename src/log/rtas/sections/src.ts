// PS (primary) and SS (secondary) SRC sections: 8 hex words, the ASCII reference code
// ("BA188002"), then optionally the 0xC0 subsection of FRU callouts (§3.8).

import {
  RTAS_SRC_FLAG_SUBSECTION,
  RTAS_SRC_REF_CODE_LENGTH,
  RTAS_SRC_STORED_HEX_WORDS,
  RTAS_SRC_SUBSECTION_ID,
} from "../constants.js";
import { ArgumentError } from "../../../core/errors.js";
import { at, decodeError, readText, writeText } from "../fields.js";
import type { SrcSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";
import { readCallouts, writeCallouts } from "./fru-callout.js";

const SUBSECTION_HEAD = 4;

export const srcCodec: SectionCodec<SrcSection> = {
  kind: "src",
  ids: ["PS", "SS"],
  decode(r, head) {
    const srcVersion = r.u8("SRC version");
    const flags = r.u8("SRC flags");
    r.skip(1, "SRC reserved");
    const hexWordCount = r.u8("SRC hex word count");
    r.skip(2, "SRC reserved");
    // The SRC length (section length − 8) is not needed to walk: the section length bounds
    // the body and the subsection carries its own length.
    r.skip(2, "SRC length");
    const hexWords: number[] = [];
    for (let i = 0; i < RTAS_SRC_STORED_HEX_WORDS; i++) hexWords.push(r.u32(`SRC hex word ${i + 2}`));
    const referenceCode = readText(r, RTAS_SRC_REF_CODE_LENGTH, "SRC reference code").replace(/ +$/, "");
    const section: SrcSection = {
      kind: "src",
      ...headFields<"PS" | "SS">(head),
      srcVersion,
      srcFlags: flags & ~RTAS_SRC_FLAG_SUBSECTION,
      hexWordCount,
      hexWords,
      referenceCode,
    };
    if (flags & RTAS_SRC_FLAG_SUBSECTION) {
      const start = at(r);
      const id = r.u8("SRC subsection id");
      if (id !== RTAS_SRC_SUBSECTION_ID) throw decodeError(r, `SRC subsection id 0x${id.toString(16)} is not 0xc0 (FRU callouts)`, { id }, start);
      r.skip(1, "SRC subsection flags");
      const words = r.u16("SRC subsection length");
      // The length counts 32-bit words including the 4-byte head.
      const bytes = words * 4 - SUBSECTION_HEAD;
      if (bytes < 0) throw decodeError(r, `SRC subsection length ${words} words is shorter than its head`, { words }, start);
      if (bytes > r.remaining()) {
        throw decodeError(r, `SRC subsection of ${words} words runs past the ${head.id} section (${r.remaining() + SUBSECTION_HEAD} bytes left)`, { words }, start);
      }
      section.callouts = readCallouts(r.sub(bytes, "FRU callouts"));
    }
    return section;
  },
  encodeBody(s, w) {
    const bodyStart = w.length;
    if (s.srcFlags & RTAS_SRC_FLAG_SUBSECTION) {
      throw new ArgumentError("SRC flags: bit 0x01 follows from `callouts`; leave it clear", { srcFlags: s.srcFlags });
    }
    w.u8(s.srcVersion, "SRC version");
    w.u8(s.srcFlags | (s.callouts ? RTAS_SRC_FLAG_SUBSECTION : 0), "SRC flags");
    w.zeros(1);
    w.u8(s.hexWordCount, "SRC hex word count");
    w.zeros(2);
    const lengthAt = w.length;
    w.u16(0, "SRC length");
    if (s.hexWords.length !== RTAS_SRC_STORED_HEX_WORDS) {
      throw new ArgumentError(`SRC hex words: expected ${RTAS_SRC_STORED_HEX_WORDS} (words 2..9), got ${s.hexWords.length}`);
    }
    s.hexWords.forEach((v, i) => w.u32(v, `SRC hex word ${i + 2}`));
    if (s.referenceCode.endsWith(" ")) throw new ArgumentError("SRC reference code: trailing spaces are padding", { text: s.referenceCode });
    writeText(w, s.referenceCode, RTAS_SRC_REF_CODE_LENGTH, "SRC reference code", 0x20);
    if (s.callouts) {
      const subStart = w.length;
      w.u8(RTAS_SRC_SUBSECTION_ID, "SRC subsection id");
      w.zeros(1);
      w.u16(0, "SRC subsection length");
      writeCallouts(w, s.callouts); // each callout is padded to whole words
      w.patchU16(subStart + 2, (w.length - subStart) / 4, "SRC subsection length");
    }
    w.patchU16(lengthAt, w.length - bodyStart, "SRC length");
  },
};
