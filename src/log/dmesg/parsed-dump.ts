// What the kernel-log parser recovers of one PHB diag dump, and how to turn it back into a
// diag structure. A dump printed by Linux omits every line whose gate words are zero
// (powernv-opal.md §4.2) and every PE entry that is not stopped (§4.4), so "not printed"
// reads as zero — `labels` says which lines were actually seen.

import { PHB_DIAG_IOTYPE_OF, type PhbDiagModel } from "../opal/constants.js";
import { phbDiagLayout } from "../opal/layout.js";
import type { PhbDiagData, PhbDiagScalars } from "../opal/types.js";
import { zeroPhbDiag } from "../opal/zero.js";
import type { DumpFormat } from "./dump-format.js";

export type DumpProblemKind =
  /** Dump lines with no header before them (header lost, or capture began mid-dump). */
  | "no-header"
  /** A header, register or PE line that is cut or malformed. */
  | "damaged-line"
  /** A register label this model does not print. */
  | "unexpected-label"
  /** A PE index out of range or out of order. */
  | "pest-index"
  /** An "as above" line whose run head is missing or misplaced. */
  | "pest-run"
  /** Mainline and legacy evidence in one dump, or a PHB# that contradicts the format. */
  | "format";

export interface DumpProblem {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly kind: DumpProblemKind;
  readonly message: string;
}

export interface ParsedPestEntry {
  readonly index: number;
  readonly a: bigint;
  readonly b: bigint;
  /** Line the values come from (for an expanded run: the "as above" line). */
  readonly line: number;
  /** True when the entry was not printed itself but covered by a "PE[..xxx] A/B: as above" run. */
  readonly asAbove: boolean;
}

export interface ParsedPhbDump {
  /** From the header; undefined when the header was lost. */
  readonly model: PhbDiagModel | undefined;
  /** PHB# (Linux PCI domain) read in the radix the format implies; undefined without header. */
  readonly phb: number | undefined;
  /** PHB# exactly as printed. */
  readonly phbText: string | undefined;
  readonly version: number | undefined;
  /** "unknown" when nothing in the dump tells the formats apart (no PE line, PHB# < 10). */
  readonly format: DumpFormat | "unknown";
  /** Values of the register lines seen, under the spec field names. */
  readonly fields: Partial<PhbDiagScalars>;
  /** Labels of the register lines read completely, in order. */
  readonly labels: readonly string[];
  /** Stopped PE entries, by index, runs expanded. */
  readonly pest: readonly ParsedPestEntry[];
  /** 1-based input lines that belong to this dump. */
  readonly lines: readonly number[];
  /** Seconds-since-boot stamp of the first line, when the capture has one. */
  readonly timestamp?: number;
  /** Wall-clock stamp of the first line, as written, when the capture has one. */
  readonly wallClock?: string;
  /** Empty for a dump that was read whole. */
  readonly problems: readonly DumpProblem[];
}

/**
 * The diag structure a dump shows: fields not printed are zero, PE entries not printed are
 * zero. Undefined when the model is unknown (header lost). Fields a model does not have
 * (e.g. nFir seen under a P7IOC header) are dropped — the dump's problems list says why.
 */
export function toPhbDiagData(dump: ParsedPhbDump): PhbDiagData | undefined {
  if (dump.model === undefined) return undefined;
  const ioType = PHB_DIAG_IOTYPE_OF[dump.model];
  const out = zeroPhbDiag(ioType) as unknown as Record<string, unknown> & { pestA: bigint[]; pestB: bigint[] };
  const names = new Set(phbDiagLayout(ioType).entries.flatMap((e) => (e.kind === "u32" || e.kind === "u64" ? [e.name] : [])));
  for (const [name, value] of Object.entries(dump.fields)) if (names.has(name)) out[name] = value;
  if (dump.version !== undefined) out["version"] = dump.version;
  for (const e of dump.pest) {
    if (e.index < out.pestA.length) {
      out.pestA[e.index] = e.a;
      out.pestB[e.index] = e.b;
    }
  }
  return out as unknown as PhbDiagData;
}
