// The PHB error-status register groups and which bit each kind of error sets.
//
// Facts (powernv-opal.md §1.3, §6.1, §6.3): each group (PHB 0xC80, outbound/MMIO 0xD00,
// inbound A 0xD80, inbound B 0xE00) has a FREEZE_ENABLE and an AIB_FENCE_ENABLE mask that
// skiboot programs at init; the hardware — not firmware — decides freeze vs fence from
// them. LEM bits are classified DEAD/FENCED/ER/INF by fixed masks.
//
// Emulator assumption (the spec does not say which bit a given error sets): each error
// kind is given one freeze-enabled bit of its group and one ER-class LEM summary bit per
// group, following the §4.8 composed example where it names them (outbound bit 22 and
// LEM bit 41 for an MMIO load that got UR) and §5.4 for injection (outbound bit 28,
// inbound-A bit 39). All chosen bits are freeze-enabled and not fence-enabled in the
// §6.3 init values of both models, and ER-class in both LEM severity tables.

import { ppcBit } from "../core/bits.js";

export type ErrGroup = "phb" | "out" | "ina" | "inb";
export const ERR_GROUPS: readonly ErrGroup[] = ["phb", "out", "ina", "inb"];

/** Register offsets of each group: status, first status, log0, log1 (§3.2 "Source"). */
export const ERR_GROUP_REGS: Record<ErrGroup, { status: number; first: number; log0: number; log1: number; freezeEnable: number; fenceEnable: number; inject: number }> = {
  phb: { status: 0xc80, first: 0xc88, log0: 0xcc0, log1: 0xcc8, freezeEnable: 0xca8, fenceEnable: 0xcb0, inject: 0xc90 },
  out: { status: 0xd00, first: 0xd08, log0: 0xd40, log1: 0xd48, freezeEnable: 0xd28, fenceEnable: 0xd30, inject: 0xd10 },
  ina: { status: 0xd80, first: 0xd88, log0: 0xdc0, log1: 0xdc8, freezeEnable: 0xda8, fenceEnable: 0xdb0, inject: 0xd90 },
  inb: { status: 0xe00, first: 0xe08, log0: 0xe40, log1: 0xe48, freezeEnable: 0xe28, fenceEnable: 0xe30, inject: 0xe10 },
};

/** The kinds of error the PHB models raise. */
export type ErrorKind =
  | "mmio-ur" // MMIO to an address no device decodes: UR completion
  | "mmio-timeout" // MMIO to a device that does not answer (link down): completion timeout
  | "mmio-inject" // armed PAPR injection matched an MMIO access
  | "cfg-inject" // armed PAPR injection matched a config access
  | "dma-tce-page-fault" // DMA to an address with no valid TCE, or outside the window
  | "dma-tce-access-fault" // DMA that the TCE's permission bits forbid
  | "dma-tvt-error" // DMA with no usable TVE (invalid TVE, RID filter miss)
  | "dma-inject" // armed PAPR injection matched a DMA
  | "pcie-fatal" // ERR_FATAL message received from a device
  | "pcie-nonfatal" // ERR_NONFATAL message received from a device
  | "phb-internal"; // an internal PHB error (e.g. a parity error in the PHB): fences the PHB

export interface ErrorSource {
  readonly group: ErrGroup;
  readonly statusBit: number; // IBM bit in the group's status register
  readonly lemBit: number; // IBM bit in the PHB LEM FIR
}

export type ErrorSourceTable = Readonly<Record<ErrorKind, ErrorSource>>;

/** One ER-class LEM summary bit per group, valid on both PHB3 and P7IOC. */
export const LEM_BIT_FOR_GROUP: Record<ErrGroup, number> = { phb: 27, out: 41, ina: 43, inb: 52 };

function src(group: ErrGroup, statusBit: number): ErrorSource {
  return { group, statusBit, lemBit: LEM_BIT_FOR_GROUP[group] };
}

const COMMON: Omit<ErrorSourceTable, "pcie-fatal" | "pcie-nonfatal" | "phb-internal"> = {
  "mmio-ur": src("out", 22),
  "mmio-timeout": src("out", 17),
  "mmio-inject": src("out", 28),
  "cfg-inject": src("out", 28),
  "dma-tce-page-fault": src("ina", 22),
  "dma-tce-access-fault": src("ina", 23),
  "dma-tvt-error": src("ina", 24),
  "dma-inject": src("ina", 39),
};

// An internal PHB error: PHB-group bit 0 is fence-enabled on both models (§6.3) and LEM
// bit 0 is in PHB3's FENCED class and P7IOC's PHB class (§6.1, §6.2).
const PHB_INTERNAL: ErrorSource = { group: "phb", statusBit: 0, lemBit: 0 };

// PHB3 freeze-enables PHB-group bits 32 and 40; P7IOC bits 33, 34, 39, 40, 41 (§6.3).
export const PHB3_ERROR_SOURCES: ErrorSourceTable = { ...COMMON, "pcie-fatal": src("phb", 32), "pcie-nonfatal": src("phb", 40), "phb-internal": PHB_INTERNAL };
export const P7IOC_ERROR_SOURCES: ErrorSourceTable = { ...COMMON, "pcie-fatal": src("phb", 40), "pcie-nonfatal": src("phb", 41), "phb-internal": PHB_INTERNAL };

export interface GroupRouting {
  readonly freezeEnable: bigint;
  readonly fenceEnable: bigint;
}

// §6.3 init values.
export const PHB3_ROUTING: Record<ErrGroup, GroupRouting> = {
  phb: { freezeEnable: 0x0000000080800000n, fenceEnable: 0xffffffdd0c00ffc0n },
  out: { freezeEnable: 0x0000420800000000n, fenceEnable: 0x9cf3bc00f89c700fn },
  ina: { freezeEnable: 0xc00003a901006000n, fenceEnable: 0x3fff5452fe019fden },
  inb: { freezeEnable: 0x0000600000000060n, fenceEnable: 0xfcff80fbff7ff08cn },
};

// P7IOC: the spec gives FREEZE_ENABLE only; every other error bit fences the PHB
// (emulator assumption, mirroring PHB3 where fence-enable covers the non-freeze bits).
export const P7IOC_ROUTING: Record<ErrGroup, GroupRouting> = {
  phb: { freezeEnable: 0x0000000061c00000n, fenceEnable: ~0x0000000061c00000n & 0xffffffffffffffffn },
  out: { freezeEnable: 0x0000430803000000n, fenceEnable: ~0x0000430803000000n & 0xffffffffffffffffn },
  ina: { freezeEnable: 0xc00003ff01006000n, fenceEnable: ~0xc00003ff01006000n & 0xffffffffffffffffn },
  inb: { freezeEnable: 0x0000000000000000n, fenceEnable: 0xffffffffffffffffn },
};

export type ErrorRoute = "freeze" | "fence" | "none";

/** What the hardware does with an error bit: fence wins over freeze (§1.3). */
export function routeError(routing: Record<ErrGroup, GroupRouting>, group: ErrGroup, bit: number): ErrorRoute {
  const m = ppcBit(bit);
  if (routing[group].fenceEnable & m) return "fence";
  if (routing[group].freezeEnable & m) return "freeze";
  return "none";
}
