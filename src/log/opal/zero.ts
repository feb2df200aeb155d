// An all-zero diag structure of a given model: what skiboot's memset leaves before it fills
// the registers in, and the base for building a structure field by field (tests, the
// platform layer, and the dmesg parser, where a line Linux did not print means zero words).

import { OPAL_PHB_ERROR_DATA_VERSION_1, type PhbDiagIoType } from "./constants.js";
import { phbDiagLayout } from "./layout.js";
import type { PhbDiagData } from "./types.js";

export function zeroPhbDiag<I extends PhbDiagIoType>(ioType: I): Extract<PhbDiagData, { ioType: I }> {
  const out: Record<string, unknown> = { ioType, version: OPAL_PHB_ERROR_DATA_VERSION_1 };
  for (const e of phbDiagLayout(ioType).entries) {
    if (e.kind === "u32") out[e.name] = 0;
    else if (e.kind === "u64") out[e.name] = 0n;
    else if (e.kind === "pest") out[e.name] = new Array<bigint>(e.count).fill(0n);
  }
  return out as unknown as Extract<PhbDiagData, { ioType: I }>;
}
