// Per-PE findings from the PEST (powernv-opal.md §3.5): PE_FROZEN for every entry with
// PESTA or PESTB bit 0, and one cause finding per frozen PE from the PESTA cause bits.
//
// Direction first, then cause (one cause finding per PE, naming every cause bit it used):
// * outbound — MMIO cause (bit 2), config read/write (3/4) or ttype 4/5 → CONFIG_ERROR if a
//   config bit is set, else MMIO_ERROR. (P7IOC firmware itself reports PE_MMIO_ERROR iff
//   bit 2, §2.3.)
// * inbound — ttype 0..3 (DMA write, MSI, DMA read, read response) or a DMA-only cause
//   (17 TVT ext, 18/19 TCE faults, 20 response timeout, 21 AIB size) → DMA_IOMMU_FAULT when
//   bit 18 or 19 is set, else DMA_ERROR.
// * Bits 8..16 (CA/timeout, UR, UTL, tag reuse, parity, IODA/MMIO-translation) belong to
//   either direction. With no direction (ttype 6/7), UTL non-fatal/fatal (bits 10/11) mean
//   the PHB's PCIe transaction layer charged an uncorrectable error to the PE — an error
//   message from the RID in bits 32..47 → PCIE_UE on that PE; anything else → UNKNOWN.
// A frozen entry with no cause bit at all is a software freeze (FREEZE_SET): PE_FROZEN only.
// Whatever the chosen finding does not explain — a DMA-only bit on an MMIO transaction,
// bits §3.5 does not define, IODA1-only bits 12/17 on PHB3 — goes to an UNKNOWN of that PE.
//
// Addresses: PESTB bits 3..63 are "failing address". An inbound finding always carries it
// (0 is a valid DMA address: the 32-bit window starts there). An outbound one carries it
// only when non-zero: §4.8's MMIO load shows PESTB = bit 0 alone, so zero means "not
// recorded" there.
//
// PHB4 (IODA3): the spec keeps only PESTA bit 0, ttype, bit 8 (CA completion timeout),
// bit 9 (UR) and PESTB bit 0 (§3.5 note) — an MMIO_ERROR from ttype 4/5 with bit 8/9, and
// every other bit (RID, address included) reported as UNKNOWN rather than guessed.

import { getFieldNum, ppcBit, ppcMask } from "../../core/bits.js";
import { PESTA_BITS, PESTA_LEM_BIT, PESTA_RID, PESTA_TTYPE, TTYPE, type PestAFlag } from "../../core/pest-layout.js";
import { PESTA_FLAG_NAMES } from "./bit-names.js";
import { FINDING_FLAGS } from "./catalogue.js";
import type { DiagView } from "./diag-view.js";
import type { Draft, Drafts } from "./draft.js";
import { bdf, peLabel } from "./labels.js";
import { isAllOnes64 } from "./fir-classes.js";

const FROZEN = ppcBit(0);
const bit = (f: PestAFlag): bigint => ppcBit(PESTA_BITS[f]);
const any = (...fs: PestAFlag[]): bigint => fs.reduce((m, f) => m | bit(f), 0n);

const OUTBOUND_ONLY = any("mmioCause", "cfgRead", "cfgWrite");
const CFG = any("cfgRead", "cfgWrite");
const EITHER = any("caOrTimeout", "ur", "utlNonFatal", "utlFatal", "tagReuse", "parityUe", "utlCorrectable", "utlInterrupt", "mmioXlateOrIodaError");
const INBOUND_ONLY = any("tvtExtError", "tcePageFault", "tceAccessFault", "dmaRespTimeout", "aibSizeInvalid");
const TCE_FAULTS = any("tcePageFault", "tceAccessFault");
const UTL_UE = any("utlNonFatal", "utlFatal");
const IODA1_ONLY = any("tagReuse", "tvtExtError");
const TTYPE_MASK = ppcMask(PESTA_TTYPE.first, PESTA_TTYPE.last);
const LEM_FIELD = ppcMask(PESTA_LEM_BIT.first, PESTA_LEM_BIT.last);
const RID_FIELD = ppcMask(PESTA_RID.first, PESTA_RID.last);
/** Fields (not error bits): ttype, LEM bit number, RID, MSI data. */
const PESTA_FIELDS = TTYPE_MASK | LEM_FIELD | RID_FIELD | ppcMask(48, 63);
const PESTB_ADDRESS = ppcMask(3, 63);

const PHB4_CAUSES = any("caOrTimeout", "ur");
const PHB4_KNOWN_A = FROZEN | TTYPE_MASK | PHB4_CAUSES;

const CAUSE_ORDER = Object.keys(PESTA_BITS).filter((f) => f !== "mmioFrozen") as PestAFlag[];

function causeNames(bits: bigint, names: Partial<Record<PestAFlag, string>> = {}): string[] {
  return CAUSE_ORDER.filter((f) => (bits & bit(f)) !== 0n).map((f) => names[f] ?? PESTA_FLAG_NAMES[f]);
}

export function applyPestRules(v: DiagView, f: Drafts): void {
  for (let pe = 0; pe < v.pestCount; pe++) {
    const a = v.d.pestA[pe] ?? 0n;
    const b = v.d.pestB[pe] ?? 0n;
    if (a === 0n && b === 0n) continue;
    const frozen = frozenFinding(f, pe, a, b);
    if (frozen && (isAllOnes64(a) || isAllOnes64(b))) {
      // An all-ones word is a failed table read (cf. §6.1 all-ones), not a set of causes:
      // the PE reads stopped, and that is all the entry says.
      f.cite(frozen, "pestA", a, { index: pe });
      f.cite(frozen, "pestB", b, { index: pe });
      f.note(frozen, "PEST entry reads all-ones");
    } else if (!frozen) {
      unexplained(f, pe, a, b, "PEST bits of a PE that is not frozen");
    } else if (v.model === "PHB4") {
      phb4Cause(f, pe, a, b);
    } else {
      ioda12Cause(v, f, pe, a, b);
    }
  }
}

function frozenFinding(f: Drafts, pe: number, a: bigint, b: bigint): Draft | undefined {
  const mmio = (a & FROZEN) !== 0n;
  const dma = (b & FROZEN) !== 0n;
  if (!mmio && !dma) return undefined;
  const d = f.add("PE_FROZEN", {
    pe,
    flags: (mmio ? FINDING_FLAGS.MMIO : 0) | (dma ? FINDING_FLAGS.DMA : 0),
    describe: (x) =>
      `${peLabel(pe)} frozen: ${mmio && dma ? "MMIO and DMA" : mmio ? "MMIO only (DMA not stopped)" : "DMA only (MMIO not frozen)"}` +
      (x.notes.length ? ` (${x.notes.join("; ")})` : ""),
  });
  f.cite(d, "pestA", a & FROZEN, { index: pe });
  f.cite(d, "pestB", b & FROZEN, { index: pe });
  return d;
}

/** Bits of a PE's entry nothing explains: an UNKNOWN of that PE. */
function unexplained(f: Drafts, pe: number, a: bigint, b: bigint, what: string): void {
  if (a === 0n && b === 0n) return;
  const d = f.unknown(`pe:${pe}`, `${what} (${peLabel(pe)})`, pe);
  f.cite(d, "pestA", a, { index: pe });
  f.cite(d, "pestB", b, { index: pe });
}

function ioda12Cause(v: DiagView, f: Drafts, pe: number, a: bigint, b: bigint): void {
  const defined = v.model === "P7IOC" ? OUTBOUND_ONLY | EITHER | INBOUND_ONLY : (OUTBOUND_ONLY | EITHER | INBOUND_ONLY) & ~IODA1_ONLY;
  const causes = a & defined;
  let leftA = a & ~(FROZEN | defined | PESTA_FIELDS);
  let leftB = b & ~FROZEN;
  const ttype = getFieldNum(PESTA_TTYPE, a);
  const outbound = (a & OUTBOUND_ONLY) !== 0n || ttype === TTYPE.MMIO_LOAD || ttype === TTYPE.MMIO_STORE;
  const inbound = !outbound && (ttype <= TTYPE.DMA_READ_RESPONSE || (a & INBOUND_ONLY) !== 0n);
  const pcie = !outbound && !inbound && (a & UTL_UE) !== 0n;
  const used = causes & (outbound ? OUTBOUND_ONLY | EITHER : inbound ? INBOUND_ONLY | EITHER : pcie ? EITHER : 0n);
  leftA |= causes & ~used;
  if (used !== 0n) {
    const rid = getFieldNum(PESTA_RID, a);
    const address = b & PESTB_ADDRESS;
    const claimAddress = inbound || (outbound && address !== 0n);
    if (claimAddress) leftB &= ~PESTB_ADDRESS;
    const d = outbound ? outboundFinding(f, pe, a, used, ttype) : inbound ? inboundFinding(f, pe, a, used, ttype) : pcieFinding(f, pe, a, used);
    if (rid !== 0) d.rid = rid;
    if (claimAddress) d.address = address;
    f.cite(d, "pestA", used | (a & (TTYPE_MASK | RID_FIELD)), { index: pe });
    f.cite(d, "pestB", claimAddress ? address : 0n, { index: pe });
  }
  unexplained(f, pe, leftA, leftB, "PEST cause bits");
}

function accessText(ttype: number, cfgBits: bigint, a: bigint): string {
  if (cfgBits !== 0n) {
    const rd = (a & bit("cfgRead")) !== 0n;
    const wr = (a & bit("cfgWrite")) !== 0n;
    return rd && wr ? "config read and write" : rd ? "config read" : "config write";
  }
  return ttype === TTYPE.MMIO_LOAD ? "MMIO load" : ttype === TTYPE.MMIO_STORE ? "MMIO store" : "MMIO access";
}

function outboundFinding(f: Drafts, pe: number, a: bigint, used: bigint, ttype: number): Draft {
  const cfg = used & CFG;
  const flags =
    (cfg ? FINDING_FLAGS.CONFIG : FINDING_FLAGS.MMIO) |
    ((a & bit("cfgRead")) !== 0n || (!cfg && ttype === TTYPE.MMIO_LOAD) ? FINDING_FLAGS.READ : 0) |
    ((a & bit("cfgWrite")) !== 0n || (!cfg && ttype === TTYPE.MMIO_STORE) ? FINDING_FLAGS.WRITE : 0);
  // The direction bits say where, the rest say what went wrong. Bit 16 has two names (§3.5).
  const what = causeNames(used & ~OUTBOUND_ONLY, { mmioXlateOrIodaError: "MMIO translation error" });
  const access = accessText(ttype, cfg, a);
  return f.add(cfg ? "CONFIG_ERROR" : "MMIO_ERROR", {
    pe,
    flags,
    describe: (d) =>
      `${cfg ? "Config" : "MMIO"} error: ${what.length ? what.join(", ") : "error"} on ${access}` +
      `${d.address !== undefined ? ` at 0x${d.address.toString(16)}` : ""}` +
      `${d.rid !== undefined ? `, RID ${bdf(d.rid)}` : ""}, ${peLabel(pe)}`,
  });
}

/** A UTL-detected uncorrectable PCIe error charged to the PE (no MMIO/DMA direction). */
function pcieFinding(f: Drafts, pe: number, a: bigint, used: bigint): Draft {
  const fatal = (a & bit("utlFatal")) !== 0n;
  const what = causeNames(used);
  return f.add("PCIE_UE", {
    pe,
    flags: fatal ? FINDING_FLAGS.FATAL : FINDING_FLAGS.NONFATAL,
    describe: (d) => `PCIe UE (${fatal ? "fatal" : "non-fatal"}) charged to ${peLabel(pe)}: ${what.join(", ")}${d.rid !== undefined ? ` from ${bdf(d.rid)}` : ""}`,
  });
}

const INBOUND_NAMES: Partial<Record<PestAFlag, string>> = { mmioXlateOrIodaError: "IODA error" };

const DMA_TTYPE_TEXT: Readonly<Record<number, string>> = { 0: "DMA write", 1: "MSI", 2: "DMA read", 3: "DMA read response" };

function inboundFinding(f: Drafts, pe: number, a: bigint, used: bigint, ttype: number): Draft {
  const tce = used & TCE_FAULTS;
  const flags =
    FINDING_FLAGS.DMA |
    (ttype === TTYPE.DMA_WRITE ? FINDING_FLAGS.WRITE : 0) |
    (ttype === TTYPE.DMA_READ || ttype === TTYPE.DMA_READ_RESPONSE ? FINDING_FLAGS.READ : 0) |
    (ttype === TTYPE.MSI ? FINDING_FLAGS.MSI : 0);
  const kind = DMA_TTYPE_TEXT[ttype];
  const msi = ttype === TTYPE.MSI ? ` data 0x${getFieldNum({ first: 48, last: 63 }, a).toString(16)}` : "";
  const where = (d: Draft): string =>
    `${d.address !== undefined ? ` at 0x${d.address.toString(16)}` : ""}${d.rid !== undefined ? ` by ${bdf(d.rid)}` : ""} on ${peLabel(pe)}`;
  if (tce) {
    const fault = causeNames(tce).join(" and ");
    const also = causeNames(used & ~tce, INBOUND_NAMES);
    return f.add("DMA_IOMMU_FAULT", {
      pe,
      flags,
      describe: (d) => `DMA IOMMU fault: ${fault}${where(d)}${kind || also.length ? ` (${[kind ? kind + msi : "", also.length ? `also ${also.join(", ")}` : ""].filter(Boolean).join("; ")})` : ""}`,
    });
  }
  const what = causeNames(used, INBOUND_NAMES);
  return f.add("DMA_ERROR", {
    pe,
    flags,
    describe: (d) => `DMA error: ${what.join(", ")}${kind ? ` on ${kind}${msi}` : ""}${where(d)}`,
  });
}

/** IODA3 keeps bit 0, ttype, 8 "CA completion timeout", 9 "UR" (§3.5 note). */
function phb4Cause(f: Drafts, pe: number, a: bigint, b: bigint): void {
  const ttype = getFieldNum(PESTA_TTYPE, a);
  const causes = a & PHB4_CAUSES;
  let leftA = a & ~PHB4_KNOWN_A;
  const mmio = ttype === TTYPE.MMIO_LOAD || ttype === TTYPE.MMIO_STORE;
  if (causes !== 0n && mmio) {
    const what = causeNames(causes, { caOrTimeout: "CA completion timeout" });
    const load = ttype === TTYPE.MMIO_LOAD;
    const d = f.add("MMIO_ERROR", {
      pe,
      flags: FINDING_FLAGS.MMIO | (load ? FINDING_FLAGS.READ : FINDING_FLAGS.WRITE),
      // §2.3: early P9 parts turn exactly this freeze into a fence.
      describe: () =>
        `MMIO error: ${what.join(", ")} on MMIO ${load ? "load" : "store"}, ${peLabel(pe)}` +
        (load ? " (P9 Nimbus DD2.0/2.1, Cumulus DD1.0: skiboot escalates this freeze to a fence)" : ""),
    });
    f.cite(d, "pestA", causes | (a & TTYPE_MASK), { index: pe });
  } else {
    leftA |= causes;
  }
  unexplained(f, pe, leftA, b & ~FROZEN, "PHB4 PEST bits (IODA3 layout beyond bit 0, ttype, 8, 9 not in the spec)");
}

/** The LEM bit number a PE's PESTA records (IODA1/IODA2), for attributing ER-class LEM bits. */
export function pestLemBit(v: DiagView, pe: number): number | undefined {
  if (v.model === "PHB4") return undefined;
  const a = v.d.pestA[pe] ?? 0n;
  return isAllOnes64(a) ? undefined : getFieldNum(PESTA_LEM_BIT, a);
}

export const PESTA_LEM_FIELD_MASK = LEM_FIELD;
