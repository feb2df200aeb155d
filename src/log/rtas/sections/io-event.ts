// IE, an I/O event (§3.9): type, RPC data length, scope (0x38 = PHB), subtype, DRC index,
// then 0–216 bytes of RPC data padded to 4. One of the two sections librtasevent walks by
// its length field.

import { RTAS_IE_RPC_DATA_MAX } from "../constants.js";
import { pad4, writeBoundedBytes } from "../fields.js";
import type { IoEventSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const ioEventCodec: SectionCodec<IoEventSection> = {
  kind: "ioEvent",
  ids: ["IE"],
  decode(r, head) {
    const eventType = r.u8("IE event type");
    const rpcLength = r.u8("IE RPC data length");
    const scope = r.u8("IE scope");
    const eventSubtype = r.u8("IE subtype");
    const drcIndex = r.u32("IE DRC index");
    const rpcData = r.bytesCopy(rpcLength, "IE RPC data");
    return { kind: "ioEvent", ...headFields<"IE">(head), eventType, scope, eventSubtype, drcIndex, rpcData };
  },
  encodeBody(s, w) {
    w.u8(s.eventType, "IE event type");
    w.u8(s.rpcData.length, "IE RPC data length");
    w.u8(s.scope, "IE scope");
    w.u8(s.eventSubtype, "IE subtype");
    w.u32(s.drcIndex, "IE DRC index");
    writeBoundedBytes(w, s.rpcData, RTAS_IE_RPC_DATA_MAX, "IE RPC data");
    w.zeros(pad4(s.rpcData.length) - s.rpcData.length);
  },
};
