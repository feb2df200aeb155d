// HP, a hotplug event (§3.9): resource type, action, id type, then a DRC name, index, count
// or count+index according to the id type (Linux's pseries_hp_errorlog union).

import { ArgumentError } from "../../../core/errors.js";
import { RTAS_HP_ID_DRC_COUNT, RTAS_HP_ID_DRC_IC, RTAS_HP_ID_DRC_INDEX, RTAS_HP_ID_DRC_NAME } from "../constants.js";
import { readText, writeNulPadded } from "../fields.js";
import type { HotplugIdentifier, HotplugSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

const KNOWN_ID_TYPES = new Set([RTAS_HP_ID_DRC_NAME, RTAS_HP_ID_DRC_INDEX, RTAS_HP_ID_DRC_COUNT, RTAS_HP_ID_DRC_IC]);

export const hotplugCodec: SectionCodec<HotplugSection> = {
  kind: "hotplug",
  ids: ["HP"],
  decode(r, head) {
    const resourceType = r.u8("HP resource type");
    const action = r.u8("HP action");
    const idType = r.u8("HP id type");
    r.skip(1, "HP reserved");
    let identifier: HotplugIdentifier;
    switch (idType) {
      case RTAS_HP_ID_DRC_NAME:
        identifier = { type: "name", name: readText(r, r.remaining(), "HP DRC name") };
        break;
      case RTAS_HP_ID_DRC_INDEX:
        identifier = { type: "index", index: r.u32("HP DRC index") };
        break;
      case RTAS_HP_ID_DRC_COUNT:
        identifier = { type: "count", count: r.u32("HP DRC count") };
        break;
      case RTAS_HP_ID_DRC_IC: {
        const count = r.u32("HP DRC count");
        identifier = { type: "countIndex", count, index: r.u32("HP DRC index") };
        break;
      }
      default:
        identifier = { type: "other", idType, data: r.bytesCopy(r.remaining(), "HP identifier") };
    }
    return { kind: "hotplug", ...headFields<"HP">(head), resourceType, action, identifier };
  },
  encodeBody(s, w) {
    w.u8(s.resourceType, "HP resource type");
    w.u8(s.action, "HP action");
    const id = s.identifier;
    switch (id.type) {
      case "name":
        w.u8(RTAS_HP_ID_DRC_NAME, "HP id type");
        w.zeros(1);
        writeNulPadded(w, id.name, "HP DRC name");
        break;
      case "index":
        w.u8(RTAS_HP_ID_DRC_INDEX, "HP id type");
        w.zeros(1);
        w.u32(id.index, "HP DRC index");
        break;
      case "count":
        w.u8(RTAS_HP_ID_DRC_COUNT, "HP id type");
        w.zeros(1);
        w.u32(id.count, "HP DRC count");
        break;
      case "countIndex":
        w.u8(RTAS_HP_ID_DRC_IC, "HP id type");
        w.zeros(1);
        w.u32(id.count, "HP DRC count");
        w.u32(id.index, "HP DRC index");
        break;
      case "other":
        if (KNOWN_ID_TYPES.has(id.idType)) throw new ArgumentError(`HP id type ${id.idType} has a decoded form; use it`, { idType: id.idType });
        w.u8(id.idType, "HP id type");
        w.zeros(1);
        // Kept whole (no padding) so the bytes decode back to the same data.
        w.raw(id.data);
        break;
    }
  },
};

