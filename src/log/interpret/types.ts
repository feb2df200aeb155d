// The shape of an interpretation: a list of findings, each naming the register bits that
// led to it, plus the overall severity, a headline and (for dmesg input) what could not be
// concluded. Plain immutable data: it round-trips through the binary and JSON forms.

import type { PhbDiagModel } from "../opal/constants.js";
import type { PhbDiagScalarName } from "../opal/types.js";
import type { FindingType, LimitKind, Severity } from "./catalogue.js";

/** A diag-data field (the C struct's name), a PEST table, or a register a newer version named. */
export type EvidenceRegister = PhbDiagScalarName | "pestA" | "pestB" | "unknown";

export interface Evidence {
  readonly register: EvidenceRegister;
  /** The PEST entry (PE number), for pestA/pestB only. */
  readonly index?: number;
  /** The register code, for register "unknown" only (a code this version does not know). */
  readonly code?: number;
  /**
   * The bits, in place in the register as the diag struct stores it: IBM-numbered 64-bit
   * words for PHB registers, the 32-bit config dword for root-port words (e.g. Link Status
   * DLLLA is 0x20000000 in `linkStatus`, whose high half is Link Status).
   */
  readonly mask: bigint;
  /** The finding rests on these bits being clear (e.g. LINK_DOWN: DLLLA clear). Absent = set. */
  readonly clear?: true;
}

export interface Finding {
  readonly type: FindingType;
  /** Only for a type this version does not know (read from a newer encoder): its code. */
  readonly unknownCode?: number;
  /** FINDING_FLAGS bits. */
  readonly flags: number;
  /** PE number, when the finding is about one PE. */
  readonly pe?: number;
  /** Requester ID (bus << 8 | devfn), when a register holds one for this finding. */
  readonly rid?: number;
  /** An address a spec-defined field holds for this finding (PESTB bits 3..63). */
  readonly address?: bigint;
  /** The register bits that decided this finding, most decisive first. */
  readonly evidence: readonly Evidence[];
  /** One line for a person, e.g. "DMA IOMMU fault: TCE page fault at 0x7ffff000 by 04:00.0 on PE#fa". */
  readonly summary: string;
}

export interface Limit {
  readonly kind: LimitKind | "unknown";
  /** Only for kind "unknown": the code a newer encoder wrote. */
  readonly code?: number;
  /** Registers concerned: a field name, or `name[i..j]` for PEST entries (hex indices). */
  readonly fields: readonly string[];
  readonly message: string;
}

export interface Interpretation {
  /** The diag-data model, or "unknown" (dump header lost, or a model code a newer encoder wrote). */
  readonly model: PhbDiagModel | "unknown";
  readonly severity: Severity;
  /** The first finding's summary (+ how many more), or a "nothing recorded" line. */
  readonly headline: string;
  /** Most severe first (catalogue rank, then PE number). */
  readonly findings: readonly Finding[];
  /** What the input could not show (dmesg text); empty for a whole binary blob. */
  readonly limits: readonly Limit[];
}
