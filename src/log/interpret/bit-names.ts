// Names of the register bits the interpretation reads, for summaries and for describing an
// evidence entry to a person. AER names are the kernel's (aer-xen.md §1.1, §1.2: the 5.x+
// `aer_*_error_string[]` spellings, "Undefined" for UE bit 0); PEST names follow §3.5;
// Device/Link/Secondary Status use the pci_regs.h macro suffixes.

import { getField, ppcMask, setBits, type BitField } from "../../core/bits.js";
import {
  PESTA_BITS,
  PESTA_LEM_BIT,
  PESTA_MSI_DATA,
  PESTA_RID,
  PESTA_TTYPE,
  PESTB_FAIL_ADDR,
  PEST_TTYPE_NAMES,
  type PestAFlag,
} from "../../core/pest-layout.js";
import {
  PCI_ERR_COR_ADV_NFAT,
  PCI_ERR_COR_BAD_DLLP,
  PCI_ERR_COR_BAD_TLP,
  PCI_ERR_COR_INTERNAL,
  PCI_ERR_COR_LOG_OVER,
  PCI_ERR_COR_RCVR,
  PCI_ERR_COR_REP_ROLL,
  PCI_ERR_COR_REP_TIMER,
  PCI_ERR_ROOT_COR_RCV,
  PCI_ERR_ROOT_FATAL_RCV,
  PCI_ERR_ROOT_FIRST_FATAL,
  PCI_ERR_ROOT_MULTI_COR_RCV,
  PCI_ERR_ROOT_MULTI_UNCOR_RCV,
  PCI_ERR_ROOT_NONFATAL_RCV,
  PCI_ERR_ROOT_UNCOR_RCV,
  PCI_ERR_UNC_ACSV,
  PCI_ERR_UNC_ATOMEG,
  PCI_ERR_UNC_COMP_ABORT,
  PCI_ERR_UNC_COMP_TIME,
  PCI_ERR_UNC_DLP,
  PCI_ERR_UNC_ECRC,
  PCI_ERR_UNC_FCP,
  PCI_ERR_UNC_INTN,
  PCI_ERR_UNC_MALF_TLP,
  PCI_ERR_UNC_MCBTLP,
  PCI_ERR_UNC_POISON_BLK,
  PCI_ERR_UNC_POISON_TLP,
  PCI_ERR_UNC_RX_OVER,
  PCI_ERR_UNC_SURPDN,
  PCI_ERR_UNC_TLPPRE,
  PCI_ERR_UNC_UND,
  PCI_ERR_UNC_UNSUP,
  PCI_ERR_UNC_UNX_COMP,
  PCI_EXP_DEVSTA_CED,
  PCI_EXP_DEVSTA_FED,
  PCI_EXP_DEVSTA_NFED,
  PCI_EXP_DEVSTA_URD,
  PCI_EXP_LNKCTL_LD,
  PCI_EXP_LNKSTA_DLLLA,
  PCI_EXP_LNKSTA_LT,
  PCI_STATUS_REC_MASTER_ABORT,
  PCI_STATUS_REC_TARGET_ABORT,
  PCI_BRIDGE_CTL_BUS_RESET,
} from "../../pci/regs.js";
import { bdf, hex3 } from "./labels.js";
import { isPciWord } from "./registers.js";
import type { Evidence } from "./types.js";

type MaskNames = readonly (readonly [number, string])[];

/** AER Uncorrectable Error Status, kernel names (aer-xen.md §1.1). */
export const AER_UE_NAMES: MaskNames = [
  [PCI_ERR_UNC_UND, "Undefined"],
  [PCI_ERR_UNC_DLP, "DLP"],
  [PCI_ERR_UNC_SURPDN, "SDES"],
  [PCI_ERR_UNC_POISON_TLP, "TLP"],
  [PCI_ERR_UNC_FCP, "FCP"],
  [PCI_ERR_UNC_COMP_TIME, "CmpltTO"],
  [PCI_ERR_UNC_COMP_ABORT, "CmpltAbrt"],
  [PCI_ERR_UNC_UNX_COMP, "UnxCmplt"],
  [PCI_ERR_UNC_RX_OVER, "RxOF"],
  [PCI_ERR_UNC_MALF_TLP, "MalfTLP"],
  [PCI_ERR_UNC_ECRC, "ECRC"],
  [PCI_ERR_UNC_UNSUP, "UnsupReq"],
  [PCI_ERR_UNC_ACSV, "ACSViol"],
  [PCI_ERR_UNC_INTN, "UncorrIntErr"],
  [PCI_ERR_UNC_MCBTLP, "BlockedTLP"],
  [PCI_ERR_UNC_ATOMEG, "AtomicOpBlocked"],
  [PCI_ERR_UNC_TLPPRE, "TLPBlockedErr"],
  [PCI_ERR_UNC_POISON_BLK, "PoisonTLPBlocked"],
];

/** AER Correctable Error Status, kernel names (aer-xen.md §1.2). */
export const AER_CE_NAMES: MaskNames = [
  [PCI_ERR_COR_RCVR, "RxErr"],
  [PCI_ERR_COR_BAD_TLP, "BadTLP"],
  [PCI_ERR_COR_BAD_DLLP, "BadDLLP"],
  [PCI_ERR_COR_REP_ROLL, "Rollover"],
  [PCI_ERR_COR_REP_TIMER, "Timeout"],
  [PCI_ERR_COR_ADV_NFAT, "NonFatalErr"],
  [PCI_ERR_COR_INTERNAL, "CorrIntErr"],
  [PCI_ERR_COR_LOG_OVER, "HeaderOF"],
];

/** AER Root Error Status (aer-xen.md §1, offset 0x30). */
export const AER_ROOT_NAMES: MaskNames = [
  [PCI_ERR_ROOT_COR_RCV, "COR_RCV"],
  [PCI_ERR_ROOT_MULTI_COR_RCV, "MULTI_COR_RCV"],
  [PCI_ERR_ROOT_UNCOR_RCV, "UNCOR_RCV"],
  [PCI_ERR_ROOT_MULTI_UNCOR_RCV, "MULTI_UNCOR_RCV"],
  [PCI_ERR_ROOT_FIRST_FATAL, "FIRST_FATAL"],
  [PCI_ERR_ROOT_NONFATAL_RCV, "NONFATAL_RCV"],
  [PCI_ERR_ROOT_FATAL_RCV, "FATAL_RCV"],
];

// The 32-bit config dwords of the diag struct hold two 16-bit registers: control in the
// low half, status in the high half (§3.2). These name bits in place in the dword.
const hi = (m: number): number => (m << 16) >>> 0;

export const DEVICE_STATUS_WORD_NAMES: MaskNames = [
  [hi(PCI_EXP_DEVSTA_CED), "DevSta CED"],
  [hi(PCI_EXP_DEVSTA_NFED), "DevSta NFED"],
  [hi(PCI_EXP_DEVSTA_FED), "DevSta FED"],
  [hi(PCI_EXP_DEVSTA_URD), "DevSta URD"],
];
export const LINK_STATUS_WORD_NAMES: MaskNames = [
  [PCI_EXP_LNKCTL_LD, "LnkCtl LD (link disable)"],
  [hi(PCI_EXP_LNKSTA_LT), "LnkSta LT (training)"],
  [hi(PCI_EXP_LNKSTA_DLLLA), "LnkSta DLLLA"],
];
/** devSecStatus is the 16-bit Secondary Status, zero-extended. */
export const SEC_STATUS_NAMES: MaskNames = [
  [PCI_STATUS_REC_TARGET_ABORT, "received target abort"],
  [PCI_STATUS_REC_MASTER_ABORT, "received master abort"],
];
export const BRIDGE_CONTROL_NAMES: MaskNames = [[PCI_BRIDGE_CTL_BUS_RESET, "secondary bus reset"]];

const PCI_WORD_NAMES: Readonly<Record<string, MaskNames>> = {
  uncorrErrorStatus: AER_UE_NAMES,
  corrErrorStatus: AER_CE_NAMES,
  rootErrorStatus: AER_ROOT_NAMES,
  deviceStatus: DEVICE_STATUS_WORD_NAMES,
  linkStatus: LINK_STATUS_WORD_NAMES,
  devSecStatus: SEC_STATUS_NAMES,
  brdgCtl: BRIDGE_CONTROL_NAMES,
};

/** Names of the bits of `value` in `table`, in table order; bits with no name are skipped. */
export function maskNames(table: MaskNames, value: number): string[] {
  return table.filter(([m]) => (value & m) !== 0).map(([, n]) => n);
}

/** §3.5 names of the PESTA single-bit flags, by IBM bit. */
export const PESTA_FLAG_NAMES: Readonly<Record<PestAFlag, string>> = {
  mmioFrozen: "MMIO frozen",
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
  mmioXlateOrIodaError: "MMIO translation/IODA error",
  tvtExtError: "TVT extension error",
  tcePageFault: "TCE page fault",
  tceAccessFault: "TCE access fault",
  dmaRespTimeout: "DMA response timeout",
  aibSizeInvalid: "AIB size invalid",
};

const PESTA_NAME_BY_BIT: ReadonlyMap<number, string> = new Map(
  (Object.entries(PESTA_BITS) as [PestAFlag, number][]).map(([f, b]) => [b, PESTA_FLAG_NAMES[f]]),
);

/** PHB3 (IODA2) does not define bits 12 and 17 (§3.5: IODA1 only). */
const IODA2_PESTA_NAMES: ReadonlyMap<number, string> = new Map(
  [...PESTA_NAME_BY_BIT].filter(([b]) => b !== PESTA_BITS.tagReuse && b !== PESTA_BITS.tvtExtError),
);

/** PHB4/IODA3 keeps only these PESTA bits with a known meaning (§3.5 note). */
const PHB4_PESTA_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "MMIO frozen"],
  [8, "CA completion timeout"],
  [9, "UR"],
]);

/** PEST multi-bit fields, shown by value: [field, name, render]. */
type PestField = readonly [BitField, string, (v: bigint) => string];
const PESTA_VALUE_FIELDS: readonly PestField[] = [
  [PESTA_TTYPE, "ttype", (v) => `${v} (${PEST_TTYPE_NAMES[Number(v)] ?? "reserved"})`],
  [PESTA_LEM_BIT, "LEM bit", (v) => `${v}`],
  [PESTA_RID, "RID", (v) => bdf(Number(v))],
  [PESTA_MSI_DATA, "MSI data", (v) => `0x${v.toString(16)}`],
];
const PESTB_VALUE_FIELDS: readonly PestField[] = [[PESTB_FAIL_ADDR, "failing address", (v) => `0x${v.toString(16)}`]];

/**
 * A PEST word's evidence bits as names: flags by name and IBM bit, fields by value, bits the
 * model's layout does not define by number. PHB4 keeps only bit 0, ttype and bits 8/9.
 */
function pestParts(mask: bigint, flags: ReadonlyMap<number, string>, fields: readonly PestField[]): string[] {
  const parts: string[] = [];
  let rest = mask;
  for (const [f, name, render] of fields) {
    const m = ppcMask(f.first, f.last);
    if (rest & m) parts.push(`${name} ${render(getField(f, mask))}`);
    rest &= ~m;
  }
  const named = setBits(rest).map((b) => (flags.has(b) ? `${flags.get(b)} (bit ${b})` : `bit ${b}`));
  return [...named, ...parts];
}

const ALL_ONES_64 = (1n << 64n) - 1n;

/** "bits 3, 7" / "bit 16" for IBM-numbered registers. */
export function ibmBitList(mask: bigint): string {
  const bits = setBits(mask);
  return `${bits.length === 1 ? "bit" : "bits"} ${bits.join(", ")}`;
}

export function registerLabel(e: Pick<Evidence, "register" | "index" | "code">): string {
  if (e.register === "pestA" || e.register === "pestB") return `${e.register === "pestA" ? "PESTA" : "PESTB"}[${hex3(e.index ?? 0)}]`;
  if (e.register === "unknown") return `register 0x${(e.code ?? 0).toString(16).padStart(4, "0")}`;
  return e.register;
}

/**
 * One evidence entry for a person: the register, its bits (IBM bit numbers for PHB
 * registers, the mask for PCI words) and the names the spec gives them, e.g.
 * "PESTA[0fd] MMIO cause (bit 2), UR (bit 9), RID 01:00.0", "uncorrErrorStatus 0x00000020 (SDES)",
 * "linkStatus 0x20000000 clear (LnkSta DLLLA)". `model` selects the PEST layout: PHB3 lacks
 * the IODA1-only bits 12 and 17, PHB4 keeps only bits 0, 8, 9 and ttype.
 */
export function describeEvidence(e: Evidence, model?: string): string {
  const label = registerLabel(e);
  const polarity = e.clear ? " clear" : "";
  if (e.register !== "unknown" && isPciWord(e.register)) {
    const m = Number(e.mask & 0xffffffffn);
    if (m === 0xffffffff) return `${label} 0xffffffff${polarity} (all-ones)`;
    const names = maskNames(PCI_WORD_NAMES[e.register] ?? [], m);
    return `${label} 0x${m.toString(16).padStart(8, "0")}${polarity}${names.length ? ` (${names.join(", ")})` : ""}`;
  }
  if (e.mask === ALL_ONES_64) return `${label} all-ones${polarity}`;
  if (e.register === "pestA" || e.register === "pestB") {
    const phb4 = model === "PHB4";
    const parts =
      e.register === "pestA"
        ? pestParts(e.mask, phb4 ? PHB4_PESTA_NAMES : model === "PHB3" ? IODA2_PESTA_NAMES : PESTA_NAME_BY_BIT, phb4 ? PESTA_VALUE_FIELDS.slice(0, 1) : PESTA_VALUE_FIELDS)
        : pestParts(e.mask, new Map([[0, "DMA stopped"]]), phb4 ? [] : PESTB_VALUE_FIELDS);
    return `${label}${polarity} ${parts.join(", ")}`;
  }
  return `${label} ${ibmBitList(e.mask)}${polarity}`;
}
