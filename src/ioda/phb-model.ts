// The interface both PHB hardware models implement (STYLE.md: skiboot's per-model
// `struct phb_ops`). The platform layer and the machine never ask which model they
// have: they call these operations, and each model answers from its own tables —
// IODA1 (P7IOC) with its on-chip PELT-M CAM, PELT-V and TVT RID filters; IODA2 (PHB3)
// with its in-memory RTT and PELT-V and per-PE TVE pairs.
//
// Every operation takes the model's state as an immer draft (or a frozen state for pure
// lookups) and mutates it in place; the machine wraps calls in `update` so a throw leaves
// the previous state untouched.

import type { Draft } from "../core/state.js";
import type { PhbModelKind, PhbSpec } from "../pci/topology.js";
import type { ErrorSourceTable, ErrGroup, GroupRouting } from "./error-sources.js";
import type { PhbCommonState } from "./phb-state.js";
import type { SystemMemory } from "../core/memory.js";

/** A RID range as OPAL_PCI_SET_PE describes it (powernv-opal §1.2). */
export interface RidRange {
  readonly bus: number;
  /** OpalPciBusCompare: 0 Any, 2..6 = 3..7 bits, 7 All. */
  readonly busCompare: number;
  /** When set, the device/function must match too. */
  readonly device?: number;
  readonly fn?: number;
}

export const OPAL_PCI_BUS_ANY = 0;
export const OPAL_PCI_BUS_3BITS = 2;
export const OPAL_PCI_BUS_4BITS = 3;
export const OPAL_PCI_BUS_5BITS = 4;
export const OPAL_PCI_BUS_6BITS = 5;
export const OPAL_PCI_BUS_7BITS = 6;
export const OPAL_PCI_BUS_ALL = 7;

/** The RID mask a range compares under (§1.2: bus compare c ≠ 0 → ((1 << (c+1)) − 1) << (15 − c)). */
export function ridRangeMask(r: RidRange): number {
  let mask = r.busCompare === OPAL_PCI_BUS_ANY ? 0 : (((1 << (r.busCompare + 1)) - 1) << (15 - r.busCompare)) & 0xff00;
  if (r.device !== undefined) mask |= 0xf8;
  if (r.fn !== undefined) mask |= 0x07;
  return mask;
}

export function ridRangeValue(r: RidRange): number {
  return ((r.bus << 8) | ((r.device ?? 0) << 3) | (r.fn ?? 0)) & ridRangeMask(r);
}

export function ridInRange(rid: number, r: RidRange): boolean {
  return (rid & ridRangeMask(r)) === ridRangeValue(r);
}

/** Where a DMA goes after the TVT, before the TCE walk. */
export type DmaWindow =
  | { readonly kind: "tce"; readonly tableAddr: bigint; readonly levels: number; readonly tableShift: number; readonly pageShift: number; readonly offset: bigint }
  | { readonly kind: "bypass"; readonly physAddr: bigint };

export type DmaResolution =
  | { readonly ok: true; readonly pe: number; readonly tve: number; readonly window: DmaWindow }
  /** No usable TVE: the DMA is an IODA/TVT error charged to `pe`. */
  | { readonly ok: false; readonly pe: number; readonly reason: string; readonly outsideWindow: boolean };

/** Result of arming the PAPR injection registers (powernv-opal §5.2/§5.3). */
export type ErrInjectResult =
  | { readonly ok: true; readonly ctl: bigint; readonly addr: bigint; readonly mask: bigint }
  | { readonly ok: false; readonly status: "parameter" | "unsupported" | "hardware"; readonly reason: string };

export interface ErrInjectRequest {
  readonly pe: number;
  readonly type: number; // OpalErrinjectType: 0 = 32-bit IOA bus error, 1 = 64-bit
  readonly func: number; // OpalErrinjectFunc 0..19
  readonly addr: bigint;
  readonly mask: bigint;
}

export interface PhbModel<S extends PhbCommonState = PhbCommonState> {
  readonly kind: PhbModelKind;
  readonly chip: "P7IOC" | "PHB3";
  /** `ibm,opal-num-pes` */
  readonly numPes: number;
  /** `ibm,opal-reserved-pe`: the PE of every RID no PE claims. */
  readonly reservedPe: number;
  /** The PE Linux gives the root bus (reserved − 1). */
  readonly rootBusPe: number;
  readonly m32SegmentSize: bigint;
  /** Number of PEEV words (PE n ↔ word n/64, bit n%64). */
  readonly peevWords: number;
  readonly errorSources: ErrorSourceTable;
  readonly routing: Readonly<Record<ErrGroup, GroupRouting>>;
  /** IODA1 hardware blocks config access to a frozen PE; IODA2 does not (§1.1). */
  readonly blocksConfigWhenFrozen: boolean;
  /** Whether the model supports SR-IOV VF PEs (Linux: PHB3 and later only). */
  readonly supportsVfPes: boolean;
  /** Whether the model has an IO-space window (P7IOC IODT; PHB3 has none). */
  readonly hasIoWindow: boolean;

  /** Power-on state of a PHB described by `spec`, whose windows sit in aperture `slot`. */
  create(spec: PhbSpec, slot: number): S;

  // --- RID → PE (RTT on IODA2, PELT-M CAM on IODA1)
  mapRidRange(s: Draft<S>, pe: number, range: RidRange): void;
  unmapRidRange(s: Draft<S>, pe: number, range: RidRange): void;
  peForRid(s: S, rid: number): number;

  // --- PELT-V error domains
  setPeltv(s: Draft<S>, parent: number, child: number, on: boolean): void;
  /** The PEs in row `parent` of PELT-V, ascending. */
  peltvRow(s: S, parent: number): number[];

  // --- Outbound (MMIO) routing
  mapM32Segment(s: Draft<S>, segment: number, pe: number): void;
  m32SegmentPe(s: S, segment: number): number;
  /** Program the M64 window so that segment i belongs to PE i (Linux's layout on both models). */
  enableM64Window(s: Draft<S>): void;
  /** The PE of an M64 CPU address, or undefined if no enabled M64 BAR decodes it. */
  m64Pe(s: S, cpuAddr: bigint): number | undefined;
  mapIoSegment(s: Draft<S>, segment: number, pe: number): void;
  ioSegmentPe(s: S, segment: number): number;

  // --- Inbound (DMA) routing
  /**
   * Give `pe` a translated 32-bit DMA window backed by the TCE table at `tableAddr`;
   * false when the model has no window left for it (IODA1 has 8 DMA32 segments).
   */
  setDma32Window(s: Draft<S>, pe: number, tableAddr: bigint, rids: readonly RidRange[]): boolean;
  /** PCI address where `pe`'s 32-bit DMA window starts (IODA1: its DMA32 segment). */
  dma32WindowBase(s: S, pe: number): bigint | undefined;
  /** Give `pe` a 64-bit bypass window (IODA2 TVE#1); IODA1 has none (no-op, returns false). */
  setBypassWindow(s: Draft<S>, pe: number): boolean;
  /** Resolve an inbound transaction to its PE and window through the model's own tables. */
  resolveDma(s: S, rid: number, pciAddr: bigint): DmaResolution;
  /** The value the injection comparator matches a DMA on (PHB3: the PCI address; P7IOC: the TVE number). */
  dmaInjectionKey(tve: number, pciAddr: bigint): bigint;

  // --- Fence and chip-level state
  isFenced(s: S): boolean;
  setFence(s: Draft<S>): void;
  clearFence(s: Draft<S>): void;

  // --- PAPR error injection (arms CTL/ADDR/MASK; nothing freezes at arm time)
  errInject(s: Draft<S>, req: ErrInjectRequest, memory: SystemMemory): ErrInjectResult;
}
