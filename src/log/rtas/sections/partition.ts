// LP, the impacted logical partitions (§3.9): primary partition, log id, an optional name
// and the list of target partitions, padded to 4. The sample EEH log has primary 1, an empty
// name written as 4 NULs, and one target (1).

import { ArgumentError } from "../../../core/errors.js";
import { pad4, readText, writeNulPadded } from "../fields.js";
import type { PartitionSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export const partitionCodec: SectionCodec<PartitionSection> = {
  kind: "partition",
  ids: ["LP"],
  decode(r, head) {
    const primaryPartitionId = r.u16("LP primary partition id");
    const nameLength = r.u8("LP name length");
    const targetCount = r.u8("LP target partition count");
    const logId = r.u32("LP log id");
    const name = readText(r, nameLength, "LP name");
    const targetPartitionIds: number[] = [];
    for (let i = 0; i < targetCount; i++) targetPartitionIds.push(r.u16("LP target partition id"));
    return { kind: "partition", ...headFields<"LP">(head), primaryPartitionId, logId, name, targetPartitionIds };
  },
  encodeBody(s, w) {
    const bodyStart = w.length;
    w.u16(s.primaryPartitionId, "LP primary partition id");
    const nameLengthAt = w.length;
    w.u8(0, "LP name length");
    if (s.targetPartitionIds.length > 0xff) throw new ArgumentError(`LP: at most 255 target partitions, got ${s.targetPartitionIds.length}`);
    w.u8(s.targetPartitionIds.length, "LP target partition count");
    w.u32(s.logId, "LP log id");
    w.patchU8(nameLengthAt, writeNulPadded(w, s.name, "LP name"), "LP name length");
    for (const id of s.targetPartitionIds) w.u16(id, "LP target partition id");
    const body = w.length - bodyStart;
    w.zeros(pad4(body) - body);
  },
};
