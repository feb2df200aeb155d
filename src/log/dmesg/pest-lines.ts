// The PE lines at the end of a PHB diag dump (powernv-opal.md §4.4), printed exactly as
// Linux' pnv_pci_dump_pest (mainline) or the older per-entry loop (legacy).

import { PNV_IODA_STOPPED_STATE } from "../opal/constants.js";
import type { DumpFormat } from "./dump-format.js";

const ALL_ONES = (1n << 64n) - 1n;

const hex16 = (v: bigint): string => v.toString(16).padStart(16, "0");
const hex3 = (i: number): string => i.toString(16).padStart(3, "0");

const stopped = (a: bigint, b: bigint): boolean => (a & PNV_IODA_STOPPED_STATE) !== 0n || (b & PNV_IODA_STOPPED_STATE) !== 0n;

export function pestEntryLine(index: number, a: bigint, b: bigint, format: DumpFormat): string {
  const idx = format === "mainline" ? hex3(index) : String(index).padStart(3, " ");
  return `PE[${idx}] A/B: ${hex16(a)} ${hex16(b)}`;
}

export function pestAsAboveLine(lastIndex: number): string {
  return `PE[..${hex3(lastIndex)}] A/B: as above`;
}

export function printPestLines(pestA: readonly bigint[], pestB: readonly bigint[], format: DumpFormat): string[] {
  return format === "mainline" ? mainline(pestA, pestB) : legacy(pestA, pestB);
}

/**
 * pnv_pci_dump_pest, step for step. Consequences worth knowing (and reproduced): `prev`
 * starts as all-ones, so a leading run of all-ones entries is never printed itself and can
 * surface as a bare "as above" line; a run reaching the last index never gets its "as above"
 * line; entries with neither word stopped are never printed.
 */
function mainline(pestA: readonly bigint[], pestB: readonly bigint[]): string[] {
  const out: string[] = [];
  let prevA = ALL_ONES;
  let prevB = ALL_ONES;
  let dup = false;
  const n = Math.min(pestA.length, pestB.length);
  for (let i = 0; i < n; i++) {
    const a = pestA[i] ?? 0n;
    const b = pestB[i] ?? 0n;
    if (a !== prevA || b !== prevB) {
      if (dup) {
        out.push(pestAsAboveLine(i - 1));
        dup = false;
      }
      prevA = a;
      prevB = b;
      if (stopped(a, b)) out.push(pestEntryLine(i, a, b, "mainline"));
    } else if (!dup && stopped(a, b)) {
      dup = true;
    }
  }
  return out;
}

function legacy(pestA: readonly bigint[], pestB: readonly bigint[]): string[] {
  const out: string[] = [];
  const n = Math.min(pestA.length, pestB.length);
  for (let i = 0; i < n; i++) {
    const a = pestA[i] ?? 0n;
    const b = pestB[i] ?? 0n;
    if (stopped(a, b)) out.push(pestEntryLine(i, a, b, "legacy"));
  }
  return out;
}
