// EI, environmental information (opal-elog-parse only, §3.9): a genesis timestamp and
// reading, status, then a counted list of readings (each u32 corrosion rate, u16
// temperature, u16 rate).

import type { ByteReader } from "../../../core/byte-reader.js";
import { ArgumentError } from "../../../core/errors.js";
import type { ByteSink } from "../byte-sink.js";
import type { EnvInfoSection, EnvReading } from "../types.js";
import { headFields, type SectionCodec } from "./section-codec.js";

function readReading(r: ByteReader, what: string): EnvReading {
  const corrosionRate = r.u32(`${what} corrosion rate`);
  const temperature = r.u16(`${what} temperature`);
  const rate = r.u16(`${what} rate`);
  return { corrosionRate, temperature, rate };
}

function writeReading(w: ByteSink, e: EnvReading, what: string): void {
  w.u32(e.corrosionRate, `${what} corrosion rate`);
  w.u16(e.temperature, `${what} temperature`);
  w.u16(e.rate, `${what} rate`);
}

export const envInfoCodec: SectionCodec<EnvInfoSection> = {
  kind: "envInfo",
  ids: ["EI"],
  decode(r, head) {
    const genesisTimestamp = r.u64("EI genesis timestamp");
    const genesis = readReading(r, "EI genesis");
    const status = r.u8("EI status");
    const userDataSection = r.u8("EI user data section");
    const count = r.u16("EI reading count");
    // Each reading is 8 bytes; the reader refuses a count the section cannot hold before
    // anything is allocated for it.
    r.need(count * 8, "EI readings");
    const readings: EnvReading[] = [];
    for (let i = 0; i < count; i++) readings.push(readReading(r, `EI reading ${i}`));
    return { kind: "envInfo", ...headFields<"EI">(head), genesisTimestamp, genesis, status, userDataSection, readings };
  },
  encodeBody(s, w) {
    w.u64(s.genesisTimestamp, "EI genesis timestamp");
    writeReading(w, s.genesis, "EI genesis");
    w.u8(s.status, "EI status");
    w.u8(s.userDataSection, "EI user data section");
    if (s.readings.length > 0xffff) throw new ArgumentError(`EI: at most 65535 readings, got ${s.readings.length}`);
    w.u16(s.readings.length, "EI reading count");
    s.readings.forEach((e, i) => writeReading(w, e, `EI reading ${i}`));
  },
};
