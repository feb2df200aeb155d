// MT (failing enclosure) and HM (HMC id): an 8-byte machine type-model and a 12-byte serial,
// 28 bytes in all (§3.9). The MTMS pair also opens EH and the callout PE substructure.

import type { ByteReader } from "../../../core/byte-reader.js";
import type { ByteSink } from "../byte-sink.js";
import { RTAS_MT_LENGTH, RTAS_MTMS_MODEL_LENGTH, RTAS_MTMS_SERIAL_LENGTH } from "../constants.js";
import { readText, writeText } from "../fields.js";
import type { MtmsSection } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

export interface Mtms {
  machineTypeModel: string;
  serialNumber: string;
}

export function readMtms(r: ByteReader, what: string): Mtms {
  const machineTypeModel = readText(r, RTAS_MTMS_MODEL_LENGTH, `${what} machine type-model`);
  const serialNumber = readText(r, RTAS_MTMS_SERIAL_LENGTH, `${what} serial number`);
  return { machineTypeModel, serialNumber };
}

export function writeMtms(w: ByteSink, m: Mtms, what: string): void {
  writeText(w, m.machineTypeModel, RTAS_MTMS_MODEL_LENGTH, `${what} machine type-model`);
  writeText(w, m.serialNumber, RTAS_MTMS_SERIAL_LENGTH, `${what} serial number`);
}

export const mtmsCodec: SectionCodec<MtmsSection> = {
  kind: "mtms",
  ids: ["MT", "HM"],
  length: RTAS_MT_LENGTH,
  decode(r, head) {
    return { kind: "mtms", ...headFields<"MT" | "HM">(head), ...readMtms(r, head.id) };
  },
  encodeBody(s, w) {
    writeMtms(w, s, s.id);
  },
};
