// A one-line human reading of a PESTA/PESTB pair, from the decoder's named fields.
import { decodePest, type PestAFlag } from "../log/opal/pest.js";

const FLAG_LABELS: Partial<Record<PestAFlag, string>> = {
  mmioCause: "MMIO cause",
  cfgRead: "config read",
  cfgWrite: "config write",
  caOrTimeout: "CA/timeout",
  ur: "UR",
  utlNonFatal: "UTL non-fatal",
  utlFatal: "UTL fatal",
  tagReuse: "tag reuse",
  parityUe: "parity UE",
  utlCorrectable: "UTL correctable",
  utlInterrupt: "UTL interrupt",
  mmioXlateOrIodaError: "IODA/translation error",
  tvtExtError: "TVT extension error",
  tcePageFault: "TCE page fault",
  tceAccessFault: "TCE access fault",
  dmaRespTimeout: "DMA response timeout",
  aibSizeInvalid: "AIB size invalid",
};

export function describePest(a: bigint, b: bigint): { a: string; b: string } {
  const p = decodePest(a, b);
  const partsA: string[] = [];
  if (p.a.mmioFrozen) partsA.push("MMIO frozen");
  if (a & ~(1n << 63n)) {
    partsA.push(p.a.ttypeName);
    for (const [flag, text] of Object.entries(FLAG_LABELS) as [PestAFlag, string][]) if (p.a[flag]) partsA.push(text);
    if (p.a.lemBit) partsA.push(`LEM bit ${p.a.lemBit}`);
    if (p.a.rid) partsA.push(`RID ${p.a.rid.toString(16).padStart(4, "0")}`);
  }
  const partsB: string[] = [];
  if (p.b.dmaStopped) partsB.push("DMA stopped");
  if (p.b.failingAddress) partsB.push(`failing address 0x${p.b.failingAddress.toString(16)}`);
  return { a: partsA.join(", ") || "clear", b: partsB.join(", ") || "clear" };
}
