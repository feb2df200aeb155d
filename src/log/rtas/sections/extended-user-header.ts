// EH, the extended user header (§3.9): MTMS, firmware and subsystem versions, a reference
// timestamp and the symptom id.

import { readText, writeNulPadded, writeText } from "../fields.js";
import type { ExtendedUserHeaderSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";
import { readMtms, writeMtms } from "./mtms.js";

const VERSION_LENGTH = 16;

export const extendedUserHeaderCodec: SectionCodec<ExtendedUserHeaderSection> = {
  kind: "extendedUserHeader",
  ids: ["EH"],
  decode(r, head) {
    const mtms = readMtms(r, "EH");
    const firmwareVersion = readText(r, VERSION_LENGTH, "EH firmware version");
    const subsystemVersion = readText(r, VERSION_LENGTH, "EH subsystem version");
    r.skip(4, "EH reserved");
    const referenceTime = r.u64("EH reference timestamp");
    r.skip(3, "EH reserved");
    const symptomLength = r.u8("EH symptom id length");
    const symptomId = readText(r, symptomLength, "EH symptom id");
    return { kind: "extendedUserHeader", ...headFields<"EH">(head), ...mtms, firmwareVersion, subsystemVersion, referenceTime, symptomId };
  },
  encodeBody(s, w) {
    writeMtms(w, s, "EH");
    writeText(w, s.firmwareVersion, VERSION_LENGTH, "EH firmware version");
    writeText(w, s.subsystemVersion, VERSION_LENGTH, "EH subsystem version");
    w.zeros(4);
    w.u64(s.referenceTime, "EH reference timestamp");
    w.zeros(3);
    const lengthAt = w.length;
    w.u8(0, "EH symptom id length");
    w.patchU8(lengthAt, writeNulPadded(w, s.symptomId, "EH symptom id"), "EH symptom id length");
  },
};
