// EP, an EPOW (environmental/power warning), 20 bytes (§3.9). The 8-byte reason code is read
// at section offset 12, where QEMU writes it; librtasevent reads it at 10 (§3.12 rule 11).

import { ArgumentError } from "../../../core/errors.js";
import { RTAS_EP_LENGTH } from "../constants.js";
import type { EpowSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const epowCodec: SectionCodec<EpowSection> = {
  kind: "epow",
  ids: ["EP"],
  length: RTAS_EP_LENGTH,
  decode(r, head) {
    const sensorAction = r.u8("EP sensor value / action code");
    const eventModifier = r.u8("EP event modifier");
    const extendedModifier = r.u8("EP extended modifier");
    r.skip(1, "EP reserved");
    const reasonCode = r.u64("EP reason code");
    return {
      kind: "epow",
      ...headFields<"EP">(head),
      sensorValue: sensorAction >> 4,
      actionCode: sensorAction & 0x0f,
      eventModifier,
      extendedModifier,
      reasonCode,
    };
  },
  encodeBody(s, w) {
    for (const [name, v] of [["sensor value", s.sensorValue], ["action code", s.actionCode]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 15) throw new ArgumentError(`EP ${name}: ${v} is not a nibble`, { value: v });
    }
    w.u8((s.sensorValue << 4) | s.actionCode, "EP sensor value / action code");
    w.u8(s.eventModifier, "EP event modifier");
    w.u8(s.extendedModifier, "EP extended modifier");
    w.zeros(1);
    w.u64(s.reasonCode, "EP reason code");
  },
};
