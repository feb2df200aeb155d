// The byte layouts of the three PHB diag-data structs as data (powernv-opal.md §3.1–§3.4):
// one entry per field with its offset, so encode and decode walk the same table and the
// tests pin every offset against the spec. The structs are not packed: natural alignment
// puts 4 bytes of padding before the first u64, which the table lists as a "pad" entry.

import {
  OPAL_P7IOC_NUM_PEST_REGS,
  OPAL_P7IOC_PHB_ERROR_DATA_SIZE,
  OPAL_PHB3_ERROR_DATA_SIZE,
  OPAL_PHB3_NUM_PEST_REGS,
  OPAL_PHB4_ERROR_DATA_SIZE,
  OPAL_PHB4_NUM_PEST_REGS,
  OPAL_PHB_ERROR_COMMON_SIZE,
  OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
  OPAL_PHB_ERROR_DATA_TYPE_PHB3,
  OPAL_PHB_ERROR_DATA_TYPE_PHB4,
  type PhbDiagIoType,
  type PhbDiagModel,
} from "./constants.js";
import type { P7iocPhbDiagData, Phb3PhbDiagData, Phb4PhbDiagData, PhbDiagData, U32FieldName, U64FieldName } from "./types.js";

export type LayoutEntry<T> =
  | { readonly kind: "u32"; readonly name: U32FieldName<T>; readonly offset: number }
  | { readonly kind: "u64"; readonly name: U64FieldName<T>; readonly offset: number }
  /** Implicit alignment padding: emitted as zeros, not a field of the structure. */
  | { readonly kind: "pad"; readonly offset: number; readonly size: number }
  | { readonly kind: "pest"; readonly name: "pestA" | "pestB"; readonly offset: number; readonly count: number };

/** A layout entry with the field name widened to string: what the generic walkers use. */
export type AnyLayoutEntry =
  | { readonly kind: "u32" | "u64"; readonly name: string; readonly offset: number }
  | { readonly kind: "pad"; readonly offset: number; readonly size: number }
  | { readonly kind: "pest"; readonly name: "pestA" | "pestB"; readonly offset: number; readonly count: number };

export interface PhbDiagLayout<T extends PhbDiagData = PhbDiagData> {
  readonly ioType: T["ioType"];
  readonly model: PhbDiagModel;
  /** sizeof the whole struct; also the header's `len`. */
  readonly size: number;
  readonly pestCount: number;
  /** Body fields in offset order, starting right after the 12-byte common header. */
  readonly entries: readonly LayoutEntry<T>[];
}

/** struct OpalIoPhbErrorCommon (§3.1). */
export const PHB_DIAG_HEADER_LAYOUT = [
  { name: "version", offset: 0x00, size: 4 },
  { name: "ioType", offset: 0x04, size: 4 },
  { name: "len", offset: 0x08, size: 4 },
] as const;

/** Any model's layout, seen through AnyLayoutEntry (every PhbDiagLayout<T> is one). */
export interface AnyPhbDiagLayout {
  readonly ioType: PhbDiagIoType;
  readonly model: PhbDiagModel;
  readonly size: number;
  readonly pestCount: number;
  readonly entries: readonly AnyLayoutEntry[];
}

export function entrySize(e: AnyLayoutEntry): number {
  switch (e.kind) {
    case "u32":
      return 4;
    case "u64":
      return 8;
    case "pad":
      return e.size;
    case "pest":
      return e.count * 8;
  }
}

/** Consecutive u64 fields from `offset`, 8 bytes apart. */
function u64Run<T>(offset: number, names: readonly U64FieldName<T>[]): LayoutEntry<T>[] {
  return names.map((name, i) => ({ kind: "u64" as const, name, offset: offset + 8 * i }));
}

/** Fields P7IOC and PHB3 both have. */
type Ioda12Common = Pick<P7iocPhbDiagData, Extract<keyof P7iocPhbDiagData, keyof Phb3PhbDiagData>>;

/** §3.2 up to 0x060, which §3.3 says P7IOC shares "exactly": root-port and UTL words, padding. */
const IODA12_HEAD: readonly LayoutEntry<Ioda12Common>[] = [
  { kind: "u32", name: "brdgCtl", offset: 0x00c },
  { kind: "u32", name: "portStatusReg", offset: 0x010 },
  { kind: "u32", name: "rootCmplxStatus", offset: 0x014 },
  { kind: "u32", name: "busAgentStatus", offset: 0x018 },
  { kind: "u32", name: "deviceStatus", offset: 0x01c },
  { kind: "u32", name: "slotStatus", offset: 0x020 },
  { kind: "u32", name: "linkStatus", offset: 0x024 },
  { kind: "u32", name: "devCmdStatus", offset: 0x028 },
  { kind: "u32", name: "devSecStatus", offset: 0x02c },
  { kind: "u32", name: "rootErrorStatus", offset: 0x030 },
  { kind: "u32", name: "uncorrErrorStatus", offset: 0x034 },
  { kind: "u32", name: "corrErrorStatus", offset: 0x038 },
  { kind: "u32", name: "tlpHdr1", offset: 0x03c },
  { kind: "u32", name: "tlpHdr2", offset: 0x040 },
  { kind: "u32", name: "tlpHdr3", offset: 0x044 },
  { kind: "u32", name: "tlpHdr4", offset: 0x048 },
  { kind: "u32", name: "sourceId", offset: 0x04c },
  { kind: "u32", name: "rsv3", offset: 0x050 },
  { kind: "pad", offset: 0x054, size: 4 },
  ...u64Run<Ioda12Common>(0x058, ["errorClass", "correlator"]),
];

/** LEM and the four error-status groups (PHB, outbound, inbound A, inbound B), in order. */
function ioda12Registers(offset: number): LayoutEntry<Ioda12Common>[] {
  return u64Run<Ioda12Common>(offset, [
    "lemFir", "lemErrorMask", "lemWOF",
    "phbErrorStatus", "phbFirstErrorStatus", "phbErrorLog0", "phbErrorLog1",
    "mmioErrorStatus", "mmioFirstErrorStatus", "mmioErrorLog0", "mmioErrorLog1",
    "dma0ErrorStatus", "dma0FirstErrorStatus", "dma0ErrorLog0", "dma0ErrorLog1",
    "dma1ErrorStatus", "dma1FirstErrorStatus", "dma1ErrorLog0", "dma1ErrorLog1",
  ]);
}

/** §3.3: the shared head, p7ioc* status, LEM, four error groups, 128 PEST pairs. */
export const P7IOC_DIAG_LAYOUT: PhbDiagLayout<P7iocPhbDiagData> = {
  ioType: OPAL_PHB_ERROR_DATA_TYPE_P7IOC,
  model: "P7IOC",
  size: OPAL_P7IOC_PHB_ERROR_DATA_SIZE,
  pestCount: OPAL_P7IOC_NUM_PEST_REGS,
  entries: [
    ...IODA12_HEAD,
    ...u64Run<P7iocPhbDiagData>(0x068, ["p7iocPlssr", "p7iocCsr"]),
    ...ioda12Registers(0x078),
    { kind: "pest", name: "pestA", offset: 0x110, count: OPAL_P7IOC_NUM_PEST_REGS },
    { kind: "pest", name: "pestB", offset: 0x510, count: OPAL_P7IOC_NUM_PEST_REGS },
  ],
};

/** §3.2: the shared head, PBCQ NFIR, PLSSR/CSR, LEM, four error groups, 256 PEST pairs. */
export const PHB3_DIAG_LAYOUT: PhbDiagLayout<Phb3PhbDiagData> = {
  ioType: OPAL_PHB_ERROR_DATA_TYPE_PHB3,
  model: "PHB3",
  size: OPAL_PHB3_ERROR_DATA_SIZE,
  pestCount: OPAL_PHB3_NUM_PEST_REGS,
  entries: [
    ...IODA12_HEAD,
    ...u64Run<Phb3PhbDiagData>(0x068, ["nFir", "nFirMask", "nFirWOF", "phbPlssr", "phbCsr"]),
    ...ioda12Registers(0x090),
    { kind: "pest", name: "pestA", offset: 0x128, count: OPAL_PHB3_NUM_PEST_REGS },
    { kind: "pest", name: "pestB", offset: 0x928, count: OPAL_PHB3_NUM_PEST_REGS },
  ],
};

/** §3.4 (offsets of the register groups as in skiboot's struct; order as in Linux' print). */
export const PHB4_DIAG_LAYOUT: PhbDiagLayout<Phb4PhbDiagData> = {
  ioType: OPAL_PHB_ERROR_DATA_TYPE_PHB4,
  model: "PHB4",
  size: OPAL_PHB4_ERROR_DATA_SIZE,
  pestCount: OPAL_PHB4_NUM_PEST_REGS,
  entries: [
    { kind: "u32", name: "brdgCtl", offset: 0x00c },
    { kind: "u32", name: "deviceStatus", offset: 0x010 },
    { kind: "u32", name: "slotStatus", offset: 0x014 },
    { kind: "u32", name: "linkStatus", offset: 0x018 },
    { kind: "u32", name: "devCmdStatus", offset: 0x01c },
    { kind: "u32", name: "devSecStatus", offset: 0x020 },
    { kind: "u32", name: "rootErrorStatus", offset: 0x024 },
    { kind: "u32", name: "uncorrErrorStatus", offset: 0x028 },
    { kind: "u32", name: "corrErrorStatus", offset: 0x02c },
    { kind: "u32", name: "tlpHdr1", offset: 0x030 },
    { kind: "u32", name: "tlpHdr2", offset: 0x034 },
    { kind: "u32", name: "tlpHdr3", offset: 0x038 },
    { kind: "u32", name: "tlpHdr4", offset: 0x03c },
    { kind: "u32", name: "sourceId", offset: 0x040 },
    { kind: "pad", offset: 0x044, size: 4 },
    { kind: "u64", name: "nFir", offset: 0x048 },
    { kind: "u64", name: "nFirMask", offset: 0x050 },
    { kind: "u64", name: "nFirWOF", offset: 0x058 },
    { kind: "u64", name: "phbPlssr", offset: 0x060 },
    { kind: "u64", name: "phbCsr", offset: 0x068 },
    { kind: "u64", name: "lemFir", offset: 0x070 },
    { kind: "u64", name: "lemErrorMask", offset: 0x078 },
    { kind: "u64", name: "lemWOF", offset: 0x080 },
    { kind: "u64", name: "phbErrorStatus", offset: 0x088 },
    { kind: "u64", name: "phbFirstErrorStatus", offset: 0x090 },
    { kind: "u64", name: "phbErrorLog0", offset: 0x098 },
    { kind: "u64", name: "phbErrorLog1", offset: 0x0a0 },
    { kind: "u64", name: "phbTxeErrorStatus", offset: 0x0a8 },
    { kind: "u64", name: "phbTxeFirstErrorStatus", offset: 0x0b0 },
    { kind: "u64", name: "phbTxeErrorLog0", offset: 0x0b8 },
    { kind: "u64", name: "phbTxeErrorLog1", offset: 0x0c0 },
    { kind: "u64", name: "phbRxeArbErrorStatus", offset: 0x0c8 },
    { kind: "u64", name: "phbRxeArbFirstErrorStatus", offset: 0x0d0 },
    { kind: "u64", name: "phbRxeArbErrorLog0", offset: 0x0d8 },
    { kind: "u64", name: "phbRxeArbErrorLog1", offset: 0x0e0 },
    { kind: "u64", name: "phbRxeMrgErrorStatus", offset: 0x0e8 },
    { kind: "u64", name: "phbRxeMrgFirstErrorStatus", offset: 0x0f0 },
    { kind: "u64", name: "phbRxeMrgErrorLog0", offset: 0x0f8 },
    { kind: "u64", name: "phbRxeMrgErrorLog1", offset: 0x100 },
    { kind: "u64", name: "phbRxeTceErrorStatus", offset: 0x108 },
    { kind: "u64", name: "phbRxeTceFirstErrorStatus", offset: 0x110 },
    { kind: "u64", name: "phbRxeTceErrorLog0", offset: 0x118 },
    { kind: "u64", name: "phbRxeTceErrorLog1", offset: 0x120 },
    { kind: "u64", name: "phbPblErrorStatus", offset: 0x128 },
    { kind: "u64", name: "phbPblFirstErrorStatus", offset: 0x130 },
    { kind: "u64", name: "phbPblErrorLog0", offset: 0x138 },
    { kind: "u64", name: "phbPblErrorLog1", offset: 0x140 },
    { kind: "u64", name: "phbPcieDlpErrorLog1", offset: 0x148 },
    { kind: "u64", name: "phbPcieDlpErrorLog2", offset: 0x150 },
    { kind: "u64", name: "phbPcieDlpErrorStatus", offset: 0x158 },
    { kind: "u64", name: "phbRegbErrorStatus", offset: 0x160 },
    { kind: "u64", name: "phbRegbFirstErrorStatus", offset: 0x168 },
    { kind: "u64", name: "phbRegbErrorLog0", offset: 0x170 },
    { kind: "u64", name: "phbRegbErrorLog1", offset: 0x178 },
    { kind: "pest", name: "pestA", offset: 0x180, count: OPAL_PHB4_NUM_PEST_REGS },
    { kind: "pest", name: "pestB", offset: 0x1180, count: OPAL_PHB4_NUM_PEST_REGS },
  ],
};

type LayoutOf<I extends PhbDiagIoType> = PhbDiagLayout<Extract<PhbDiagData, { ioType: I }>>;

export const PHB_DIAG_LAYOUTS: { readonly [I in PhbDiagIoType]: LayoutOf<I> } = {
  [OPAL_PHB_ERROR_DATA_TYPE_P7IOC]: P7IOC_DIAG_LAYOUT,
  [OPAL_PHB_ERROR_DATA_TYPE_PHB3]: PHB3_DIAG_LAYOUT,
  [OPAL_PHB_ERROR_DATA_TYPE_PHB4]: PHB4_DIAG_LAYOUT,
};

/**
 * Structural check of a layout: entries start right after the header, are contiguous
 * (no overlap, no undeclared gap), naturally aligned, and end at `size`. Returns the
 * problems found (empty when sound); run by the tests, cheap enough for callers too.
 */
export function checkLayout(layout: AnyPhbDiagLayout): string[] {
  const problems: string[] = [];
  let at = OPAL_PHB_ERROR_COMMON_SIZE;
  for (const e of layout.entries) {
    const label = e.kind === "pad" ? `pad@0x${e.offset.toString(16)}` : e.name;
    if (e.offset !== at) problems.push(`${label}: offset 0x${e.offset.toString(16)}, expected 0x${at.toString(16)}`);
    const align = e.kind === "u32" ? 4 : e.kind === "pad" ? 1 : 8;
    if (e.offset % align !== 0) problems.push(`${label}: offset 0x${e.offset.toString(16)} not ${align}-aligned`);
    at = e.offset + entrySize(e);
  }
  if (at !== layout.size) problems.push(`fields end at 0x${at.toString(16)}, size is 0x${layout.size.toString(16)}`);
  return problems;
}

/** The layout for an ioType, widened for generic walkers. */
export function phbDiagLayout(ioType: PhbDiagIoType): AnyPhbDiagLayout {
  return PHB_DIAG_LAYOUTS[ioType];
}
