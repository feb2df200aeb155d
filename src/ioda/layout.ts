// The static layout of a built machine: for every PHB its PE plan, the BAR addresses the
// platform assigned, and the lookups the access paths need (function by RID, the bridges
// between a bus and the root port, the BAR that decodes an address). Built once from the
// MachineSpec; never changes while the machine runs (state lives in machine-state.ts).
//
// Resource assignment follows what Linux does on PowerNV so that the hardware tables come
// out the way they do on a real box (powernv-opal.md §1.4): a PE's 32-bit BARs are packed
// into whole M32 segments of their own, a PE's 64-bit BARs go into the M64 segment whose
// number is the PE number, IO BARs (IODA1 only) into whole IO segments.

import { TopologyError } from "../core/errors.js";
import { formatPciAddress, ridOf, type PciAddress, type Rid } from "../pci/address.js";
import { isBridgeKind, type BarSpec, type MachineSpec, type PciFunctionSpec, type PhbSpec } from "../pci/topology.js";
import { planPes, type PhbPlan } from "./pe/pe-plan.js";
import { modelForKind } from "./phb-engine.js";
import {
  IO_WINDOW_SIZE,
  M32_PCI_BASE,
  M32_USABLE_SIZE,
  M64_SEGMENT_SIZE,
  MAX_PHBS,
  ioCpuBase,
  m32CpuBase,
  m64Base,
} from "./address-map.js";

export interface BarMapping {
  readonly rid: Rid;
  readonly bar: number;
  readonly type: BarSpec["type"];
  /** CPU address range the BAR is reached at. */
  readonly cpuStart: bigint;
  readonly size: bigint;
  /** The value programmed into the BAR (PCI bus address, or IO port address). */
  readonly pciAddress: bigint;
  readonly pe: number;
}

export interface PhbLayout {
  readonly spec: PhbSpec;
  /** Position in the machine (selects the CPU-address aperture). */
  readonly slot: number;
  readonly plan: PhbPlan;
  readonly fnByRid: ReadonlyMap<Rid, PciFunctionSpec>;
  /** The bridge whose secondary bus is N. */
  readonly bridgeForBus: ReadonlyMap<number, Rid>;
  /** BARs sorted by cpuStart, for binary search. */
  readonly bars: readonly BarMapping[];
  readonly barsByRid: ReadonlyMap<Rid, readonly BarMapping[]>;
  /** M32 segments per PE (IODA programming), IO segments per PE. */
  readonly m32Segments: ReadonlyMap<number, readonly number[]>;
  readonly ioSegments: ReadonlyMap<number, readonly number[]>;
}

export interface MachineLayout {
  readonly spec: MachineSpec;
  readonly phbs: ReadonlyMap<number, PhbLayout>;
  readonly phbIdByDomain: ReadonlyMap<number, number>;
  readonly phbIdBySlot: readonly number[];
}

export function buildLayout(spec: MachineSpec): MachineLayout {
  const phbs = new Map<number, PhbLayout>();
  const phbIdByDomain = new Map<number, number>();
  spec.phbs.forEach((phb, i) => {
    const path = `phbs[${i}]`;
    if (i >= MAX_PHBS) throw new TopologyError(`more than ${MAX_PHBS} PHBs`, path);
    if (!Number.isInteger(phb.id) || phb.id < 0) throw new TopologyError(`PHB id ${phb.id} is not a non-negative integer`, `${path}.id`);
    if (phbs.has(phb.id)) throw new TopologyError(`duplicate PHB id ${phb.id}`, `${path}.id`);
    if (phbIdByDomain.has(phb.domain)) throw new TopologyError(`duplicate PCI domain ${phb.domain}`, `${path}.domain`);
    phbs.set(phb.id, buildPhbLayout(phb, i, path));
    phbIdByDomain.set(phb.domain, phb.id);
  });
  return { spec, phbs, phbIdByDomain, phbIdBySlot: spec.phbs.map((p) => p.id) };
}

function buildPhbLayout(phb: PhbSpec, slot: number, path: string): PhbLayout {
  const model = modelForKind(phb.model);
  const plan = planPes(phb, model, path);
  const fnByRid = new Map<Rid, PciFunctionSpec>();
  const bridgeForBus = new Map<number, Rid>();
  for (const f of phb.functions) {
    const rid = ridOf(f.address);
    fnByRid.set(rid, f);
    if (isBridgeKind(f.kind) && f.secondaryBus !== undefined) bridgeForBus.set(f.secondaryBus, rid);
  }

  const bars: BarMapping[] = [];
  const m32Segments = new Map<number, number[]>();
  const ioSegments = new Map<number, number[]>();
  const segSize = model.m32SegmentSize;
  const ioSegSize = IO_WINDOW_SIZE / 128n;
  let m32Cursor = 0n;
  let ioCursor = 0n;
  const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;

  for (const pe of plan.pes) {
    const fns = pe.rids.map((r) => fnByRid.get(r)!).filter(Boolean);
    const barsOf = (type: BarSpec["type"]): Array<{ f: PciFunctionSpec; b: BarSpec }> =>
      fns.flatMap((f) => f.bars.filter((b) => b.type === type).map((b) => ({ f, b }))).sort((x, y) => y.b.size - x.b.size);

    // 32-bit memory: whole M32 segments of the PE's own.
    const m32 = barsOf("mem32");
    if (m32.length > 0) {
      m32Cursor = alignUp(m32Cursor, segSize);
      const start = m32Cursor;
      for (const { f, b } of m32) {
        const size = BigInt(b.size);
        m32Cursor = alignUp(m32Cursor, size);
        const pci = M32_PCI_BASE + m32Cursor;
        bars.push({ rid: ridOf(f.address), bar: b.index, type: "mem32", cpuStart: m32CpuBase(slot) + m32Cursor, size, pciAddress: pci, pe: pe.pe });
        m32Cursor += size;
      }
      if (m32Cursor > M32_USABLE_SIZE) throw new TopologyError(`32-bit BARs exceed the ${M32_USABLE_SIZE >> 20n} MiB M32 window`, `${path}.functions`);
      const segs: number[] = [];
      for (let s = start / segSize; s < alignUp(m32Cursor, segSize) / segSize; s++) segs.push(Number(s));
      m32Segments.set(pe.pe, segs);
    }

    // 64-bit memory: the M64 segment whose number is the PE number.
    const m64 = barsOf("mem64");
    let cursor = 0n;
    for (const { f, b } of m64) {
      const size = BigInt(b.size);
      cursor = alignUp(cursor, size);
      if (cursor + size > M64_SEGMENT_SIZE) {
        throw new TopologyError(
          `64-bit BARs of PE#${pe.pe.toString(16)} exceed its ${M64_SEGMENT_SIZE >> 20n} MiB M64 segment (compound PEs are not modelled)`,
          `${path}.functions(${formatPciAddress(f.address)})`,
        );
      }
      const addr = m64Base(slot) + BigInt(pe.pe) * M64_SEGMENT_SIZE + cursor;
      bars.push({ rid: ridOf(f.address), bar: b.index, type: "mem64", cpuStart: addr, size, pciAddress: addr, pe: pe.pe });
      cursor += size;
    }

    // IO space: IODA1's IODT; PHB3 has no IO window, so Linux leaves IO BARs unassigned.
    const io = barsOf("io");
    if (io.length > 0 && model.hasIoWindow) {
      ioCursor = alignUp(ioCursor, ioSegSize);
      const start = ioCursor;
      for (const { f, b } of io) {
        const size = BigInt(b.size);
        ioCursor = alignUp(ioCursor, size);
        bars.push({ rid: ridOf(f.address), bar: b.index, type: "io", cpuStart: ioCpuBase(slot) + ioCursor, size, pciAddress: ioCursor, pe: pe.pe });
        ioCursor += size;
      }
      if (ioCursor > IO_WINDOW_SIZE) throw new TopologyError(`IO BARs exceed the 8 MiB IO window`, `${path}.functions`);
      const segs: number[] = [];
      for (let s = start / ioSegSize; s < alignUp(ioCursor, ioSegSize) / ioSegSize; s++) segs.push(Number(s));
      ioSegments.set(pe.pe, segs);
    }
  }
  bars.sort((a, b) => (a.cpuStart < b.cpuStart ? -1 : a.cpuStart > b.cpuStart ? 1 : 0));
  const barsByRid = new Map<Rid, BarMapping[]>();
  for (const m of bars) {
    if (!barsByRid.has(m.rid)) barsByRid.set(m.rid, []);
    barsByRid.get(m.rid)!.push(m);
  }
  return { spec: phb, slot, plan, fnByRid, bridgeForBus, bars, barsByRid, m32Segments, ioSegments };
}

/** The BAR that decodes `cpuAddr`, by binary search. */
export function findBar(layout: PhbLayout, cpuAddr: bigint): BarMapping | undefined {
  const bars = layout.bars;
  let lo = 0;
  let hi = bars.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = bars[mid]!;
    if (cpuAddr < b.cpuStart) hi = mid - 1;
    else if (cpuAddr >= b.cpuStart + b.size) lo = mid + 1;
    else return b;
  }
  return undefined;
}

/** Bridges between a bus and the root port, nearest first (each must have its link up). */
export function bridgesAbove(layout: PhbLayout, bus: number): Rid[] {
  const out: Rid[] = [];
  for (let b = bus, guard = 0; b !== 0 && guard < 256; guard++) {
    const br = layout.bridgeForBus.get(b);
    if (br === undefined) break;
    out.push(br);
    b = br >> 8;
  }
  return out;
}

export function layoutFor(layout: MachineLayout, address: PciAddress): { phb: PhbLayout; rid: Rid } | undefined {
  const id = layout.phbIdByDomain.get(address.domain);
  if (id === undefined) return undefined;
  return { phb: layout.phbs.get(id)!, rid: ridOf(address) };
}
