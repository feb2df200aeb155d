// A one-line human reading of a PESTA/PESTB pair, from the decoder's named fields.
import { decodePest, type PestAFlag } from "../log/opal/pest.js";
import { PESTA_FLAG_NAMES } from "../log/interpret/bit-names.js";

export function describePest(a: bigint, b: bigint): { a: string; b: string } {
  const p = decodePest(a, b);
  const partsA: string[] = [];
  if (p.a.mmioFrozen) partsA.push("MMIO frozen");
  if (a & ~(1n << 63n)) {
    partsA.push(p.a.ttypeName);
    for (const [flag, text] of Object.entries(PESTA_FLAG_NAMES) as [PestAFlag, string][]) if (flag !== "mmioFrozen" && p.a[flag]) partsA.push(text);
    if (p.a.lemBit) partsA.push(`LEM bit ${p.a.lemBit}`);
    if (p.a.rid) partsA.push(`RID ${p.a.rid.toString(16).padStart(4, "0")}`);
  }
  const partsB: string[] = [];
  if (p.b.dmaStopped) partsB.push("DMA stopped");
  if (p.b.failingAddress) partsB.push(`failing address 0x${p.b.failingAddress.toString(16)}`);
  return { a: partsA.join(", ") || "clear", b: partsB.join(", ") || "clear" };
}
