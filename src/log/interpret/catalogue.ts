// The fixed catalogue of the interpretation: finding types, finding flags, top-level
// severities and limit kinds, each with the stable numeric code the binary form carries
// (docs/interpretation.md). This is the "list of well known error types" of Ben
// Herrenschmidt's mail (seed 004): codes are never reused or renumbered; a new type gets a
// new code in a new minor version, and a reader that does not know it keeps it as UNKNOWN.

/** Where a finding sits in the severity order: dead > fence > PE errors > PCIe > unknown > info. */
export type FindingGroup = "dead" | "fence" | "pe" | "pcie" | "unknown" | "info";

interface TypeEntry {
  readonly code: number;
  readonly group: FindingGroup;
  /** Sort key: lower sorts first (more severe). */
  readonly rank: number;
  /** What the type means, one line (the docs table says it at length). */
  readonly meaning: string;
}

export const FINDING_TYPES = {
  PHB_DEAD: { code: 1, group: "dead", rank: 0, meaning: "the PHB does not answer: register reads return all-ones, or an NFIR DEAD-class bit" },
  PHB_FENCE: { code: 2, group: "fence", rank: 1, meaning: "the PHB is fenced: all MMIO returns all-ones, every PE is stopped until a complete reset" },
  DMA_IOMMU_FAULT: { code: 4, group: "pe", rank: 10, meaning: "an inbound DMA failed IOMMU translation: TCE page fault or TCE access (permission) fault" },
  DMA_ERROR: { code: 5, group: "pe", rank: 11, meaning: "an inbound DMA or MSI failed for another reason (timeout, AIB size, IODA/TVT error, completion error)" },
  MMIO_ERROR: { code: 6, group: "pe", rank: 12, meaning: "an outbound MMIO load or store failed (completer abort/timeout, unsupported request, other)" },
  CONFIG_ERROR: { code: 7, group: "pe", rank: 13, meaning: "an outbound config read or write failed" },
  PE_FROZEN: { code: 3, group: "pe", rank: 14, meaning: "a PE is frozen: MMIO frozen (PESTA bit 0) and/or DMA stopped (PESTB bit 0)" },
  LINK_LOSS: { code: 8, group: "pcie", rank: 20, meaning: "the root port recorded that its link went down unexpectedly (AER Surprise Down, an event)" },
  LINK_DOWN: { code: 9, group: "pcie", rank: 21, meaning: "the root port's link is not active at capture time, with no Surprise Down recorded (a state)" },
  PCIE_UE: { code: 10, group: "pcie", rank: 22, meaning: "an uncorrectable PCIe error reported to or detected by the root port" },
  PCIE_CE: { code: 11, group: "pcie", rank: 23, meaning: "a correctable PCIe error reported to or detected by the root port" },
  UNKNOWN: { code: 13, group: "unknown", rank: 30, meaning: "error bits the spec gives no meaning for, or that contradict the rest; carries the raw register bits" },
  INFORMATIONAL: { code: 12, group: "info", rank: 40, meaning: "LEM INF-class bits: an informational PHB error, acknowledged by reading the diag data" },
} as const satisfies Record<string, TypeEntry>;

export type FindingType = keyof typeof FINDING_TYPES;

export const FINDING_TYPE_NAMES = Object.keys(FINDING_TYPES) as readonly FindingType[];

const TYPE_BY_CODE: ReadonlyMap<number, FindingType> = new Map(FINDING_TYPE_NAMES.map((t) => [FINDING_TYPES[t].code, t]));

/** The type a code names, or undefined for a code this version does not know. */
export function findingTypeOfCode(code: number): FindingType | undefined {
  return TYPE_BY_CODE.get(code);
}

/**
 * Per-finding flags (u16 in the binary form). Unknown bits read from a newer encoder are
 * kept as they are: the field is a plain number.
 */
export const FINDING_FLAGS = {
  /** The outbound MMIO path (load/store), or for PE_FROZEN: MMIO frozen. */
  MMIO: 0x0001,
  /** The inbound DMA path, or for PE_FROZEN: DMA stopped. */
  DMA: 0x0002,
  /** A config-space access. */
  CONFIG: 0x0004,
  /** A read: MMIO load, config read, DMA read / read response. */
  READ: 0x0008,
  /** A write: MMIO store, config write, DMA write. */
  WRITE: 0x0010,
  /** PCIe fatal severity (ERR_FATAL received, first UE fatal, or Device Status FED). */
  FATAL: 0x0020,
  /** PCIe non-fatal severity (ERR_NONFATAL received, or Device Status NFED). */
  NONFATAL: 0x0040,
  /** An MSI (PESTA ttype 1). */
  MSI: 0x0080,
  /** The root port saw more than one such message (MULTI_*_RCV). */
  MULTIPLE: 0x0100,
  /** The error was injected (a PHB4 "PAPR … Injection Error Triggered" bit). */
  INJECTED: 0x0200,
} as const;

export type FindingFlagName = keyof typeof FINDING_FLAGS;
export const FINDING_FLAG_NAMES = Object.keys(FINDING_FLAGS) as readonly FindingFlagName[];

/** Names of the known flags set in `flags`, in catalogue order. */
export function flagNames(flags: number): FindingFlagName[] {
  return FINDING_FLAG_NAMES.filter((n) => (flags & FINDING_FLAGS[n]) !== 0);
}

/**
 * The interpretation's overall severity: the group of its most severe finding. The codes
 * grow with severity, so a reader may compare them.
 */
export const SEVERITIES = {
  none: 0,
  informational: 1,
  "unknown-error": 2,
  "pcie-error": 3,
  "pe-error": 4,
  "phb-fenced": 5,
  "phb-dead": 6,
} as const;

export type Severity = keyof typeof SEVERITIES;
export const SEVERITY_NAMES = Object.keys(SEVERITIES) as readonly Severity[];

const SEVERITY_OF_GROUP: Readonly<Record<FindingGroup, Severity>> = {
  dead: "phb-dead",
  fence: "phb-fenced",
  pe: "pe-error",
  pcie: "pcie-error",
  unknown: "unknown-error",
  info: "informational",
};

export function severityOfGroup(g: FindingGroup): Severity {
  return SEVERITY_OF_GROUP[g];
}

export function severityOfCode(code: number): Severity | undefined {
  return SEVERITY_NAMES.find((s) => SEVERITIES[s] === code);
}

/** Why some conclusions are limited (interpretParsedDump; empty for a whole blob). */
export const LIMIT_KINDS = {
  /** Words Linux does not print when the line's gate word is zero: read as zero, unknown. */
  "unprinted-fields": 1,
  /** PEs after the last printed entry that may be frozen (run reaching the table end, §4.4). */
  "pest-tail": 2,
  /** Dump lines damaged or lost (the parser's problems). */
  "damaged-dump": 3,
  /** The dump header was lost: the model, hence the layout, is unknown. */
  "no-header": 4,
} as const;

export type LimitKind = keyof typeof LIMIT_KINDS;
export const LIMIT_KIND_NAMES = Object.keys(LIMIT_KINDS) as readonly LimitKind[];

export function limitKindOfCode(code: number): LimitKind | undefined {
  return LIMIT_KIND_NAMES.find((k) => LIMIT_KINDS[k] === code);
}
