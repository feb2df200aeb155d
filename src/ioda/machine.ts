// A machine: PHBs built from a MachineSpec, their tables programmed the way Linux and
// skiboot program them, and the three access paths — config by RID, MMIO by CPU address,
// DMA by RID + PCI address — each resolved to a PE through the model's own tables and
// subject to the PE's freeze state (powernv-opal.md §1, §9; linux-eeh.md §2.1).
//
// Every operation runs as an immer recipe on the state tree (core/state.ts): it either
// completes, or throws a typed error and leaves `machine.state` exactly as it was.

import { allOnes, isAccessSize, type AccessSize } from "../core/bits.js";
import { ArgumentError, NotFoundError } from "../core/errors.js";
import { emptyMemory, memRead, memWrite } from "../core/memory.js";
import { update, type Draft } from "../core/state.js";
import { formatPciAddress, parsePciAddress, ridOf, type PciAddress, type Rid } from "../pci/address.js";
import { configRead, configWrite, createConfigSpace, setBarAddress, barAddress as csBarAddress, type ConfigAccessSize } from "../pci/config-space.js";
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY, PCI_COMMAND_IO } from "../pci/regs.js";
import type { MachineSpec } from "../pci/topology.js";
import { DMA32_WINDOW_SIZE, IO_WINDOW_SIZE, M32_WINDOW_SIZE, ioCpuBase, m32CpuBase, phbSlotForCpuAddress, tceTableAddress } from "./address-map.js";
import { injectionHits } from "./err-inject.js";
import type { ErrorKind } from "./error-sources.js";
import { buildLayout, bridgesAbove, findBar, type MachineLayout, type PhbLayout } from "./layout.js";
import type { FunctionState, HwEvent, MachineState, PhbMachineState } from "./machine-state.js";
import { buildPeTree } from "./pe/pe-tree.js";
import { PESTA_CA_RETURN, PESTA_CFG_READ, PESTA_CFG_WRITE, PESTA_MMIO_CAUSE, PESTA_MMIO_XLATE, PESTA_TCE_ACCESS_FAULT, PESTA_TCE_PAGE_FAULT, PESTA_UR_RETURN, TTYPE, type Ttype } from "./pest.js";
import { isFenced, modelOf, peFreezeState, raiseError, type ErrorContext, type FreezeState, type PhbState, type RaisedError } from "./phb-engine.js";

/** TCE permission bits (Linux TCE_PCI_READ / TCE_PCI_WRITE). */
export const TCE_PCI_READ = 0x1n;
export const TCE_PCI_WRITE = 0x2n;

export type DmaDirection = "read" | "write";
export type DmaPermission = "r" | "w" | "rw";

export type FunctionRef = PciAddress | string;

/** Outcome of an access, for callers that want to know what the hardware did. */
export interface AccessOutcome {
  readonly value: bigint;
  /** Why the access did not reach the device, if it did not. */
  readonly blocked?: "dead" | "fenced" | "frozen" | "link-down" | "error" | "no-device";
  readonly error?: RaisedError;
}

export class Machine {
  readonly layout: MachineLayout;
  private current: MachineState;
  /** Everything the hardware did, in order. */
  readonly events: HwEvent[] = [];
  private listeners: Array<(events: readonly HwEvent[]) => void> = [];

  private constructor(layout: MachineLayout, state: MachineState) {
    this.layout = layout;
    this.current = state;
  }

  /** Build a machine: plan PEs, assign BARs, program every PHB's tables, map DMA windows. */
  static build(spec: MachineSpec): Machine {
    const layout = buildLayout(spec);
    const phbs: Record<number, PhbMachineState> = {};
    for (const [id, pl] of layout.phbs) phbs[id] = buildPhb(pl);
    return new Machine(layout, { phbs, memory: emptyMemory() });
  }

  get spec(): MachineSpec {
    return this.layout.spec;
  }

  /** The current (immutable) state tree. */
  get state(): MachineState {
    return this.current;
  }

  /** Run `recipe` as one operation: commit its state and events only if it returns. */
  apply<R>(recipe: (d: Draft<MachineState>, events: HwEvent[]) => R): R {
    const events: HwEvent[] = [];
    const { state, result } = update(this.current, (d) => recipe(d, events));
    this.current = state;
    this.events.push(...events);
    if (events.length > 0) for (const l of this.listeners) l(events);
    return result;
  }

  /**
   * Be told of the events of every committed operation, after its state is in place (the
   * platform layer uses this as its error interrupt: it captures diag data at freeze time).
   * Returns a function that removes the listener.
   */
  onEvents(listener: (events: readonly HwEvent[]) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  // ------------------------------------------------------------------ lookups

  phbLayout(phbId: number): PhbLayout {
    const pl = this.layout.phbs.get(phbId);
    if (!pl) throw new NotFoundError(`no PHB with id ${phbId}`, { phb: phbId });
    return pl;
  }

  phbState(phbId: number): PhbMachineState {
    this.phbLayout(phbId);
    return this.current.phbs[phbId]!;
  }

  /** Resolve a function reference to its PHB and RID; throws for an unknown domain or function. */
  locate(ref: FunctionRef): { phbId: number; rid: Rid; address: PciAddress } {
    const address = typeof ref === "string" ? parsePciAddress(ref) : ref;
    const phbId = this.layout.phbIdByDomain.get(address.domain);
    if (phbId === undefined) throw new NotFoundError(`no PHB has PCI domain ${address.domain.toString(16).padStart(4, "0")} (${formatPciAddress(address)})`, { address: formatPciAddress(address) });
    const rid = ridOf(address);
    if (!this.layout.phbs.get(phbId)!.fnByRid.has(rid)) throw new NotFoundError(`no function ${formatPciAddress(address)}`, { address: formatPciAddress(address) });
    return { phbId, rid, address };
  }

  /** The IODA PE of a function, through the model's own RID lookup (RTT or PELT-M). */
  peOf(ref: FunctionRef): { phb: number; pe: number } {
    const { phbId, rid } = this.locate(ref);
    const hw = this.current.phbs[phbId]!.hw;
    return { phb: phbId, pe: modelOf(hw).peForRid(hw, rid) };
  }

  peFreezeState(phbId: number, pe: number): FreezeState {
    const hw = this.phbState(phbId).hw;
    checkPeNumber(hw, pe);
    if (hw.broken || isFenced(hw)) return { mmio: true, dma: true };
    return peFreezeState(hw, pe);
  }

  /** The CPU address of a function's BAR, as the platform assigned it. */
  barCpuAddress(ref: FunctionRef, bar: number): bigint {
    const { phbId, rid, address } = this.locate(ref);
    const m = this.layout.phbs.get(phbId)!.barsByRid.get(rid)?.find((b) => b.bar === bar);
    if (!m) throw new NotFoundError(`${formatPciAddress(address)} has no assigned BAR ${bar}`, { address: formatPciAddress(address), bar });
    return m.cpuStart;
  }

  /** The PCI address range of a function's translated 32-bit DMA window. */
  dmaWindow(ref: FunctionRef): { base: bigint; size: bigint } {
    const { phbId, rid, address } = this.locate(ref);
    const hw = this.current.phbs[phbId]!.hw;
    const model = modelOf(hw);
    const base = model.dma32WindowBase(hw, model.peForRid(hw, rid));
    if (base === undefined) throw new NotFoundError(`${formatPciAddress(address)} has no DMA window`, { address: formatPciAddress(address) });
    return { base, size: hw.model === "ioda2" ? DMA32_WINDOW_SIZE : 0x1000_0000n };
  }

  // ------------------------------------------------------------------ config space

  configRead(ref: FunctionRef, offset: number, size: ConfigAccessSize): number {
    return this.apply((d, ev) => Number(configAccess(this.layout, d, ev, ref, offset, size, "read", 0).value));
  }

  configWrite(ref: FunctionRef, offset: number, size: ConfigAccessSize, value: number): void {
    this.apply((d, ev) => configAccess(this.layout, d, ev, ref, offset, size, "write", value));
  }

  // ------------------------------------------------------------------ MMIO

  mmioLoad(cpuAddr: bigint, size: AccessSize): bigint {
    return this.apply((d, ev) => mmioAccess(this.layout, d, ev, cpuAddr, size, "load", 0n).value);
  }

  mmioStore(cpuAddr: bigint, size: AccessSize, value: bigint): void {
    this.apply((d, ev) => mmioAccess(this.layout, d, ev, cpuAddr, size, "store", value));
  }

  /** Like mmioLoad, but also says whether and why the access was blocked. */
  mmioLoadDetailed(cpuAddr: bigint, size: AccessSize): AccessOutcome {
    return this.apply((d, ev) => mmioAccess(this.layout, d, ev, cpuAddr, size, "load", 0n));
  }

  // ------------------------------------------------------------------ DMA

  dmaRead(ref: FunctionRef, pciAddr: bigint, size: AccessSize): bigint {
    return this.apply((d, ev) => dmaAccess(this.layout, d, ev, ref, pciAddr, size, "read", 0n).value);
  }

  dmaWrite(ref: FunctionRef, pciAddr: bigint, size: AccessSize, value: bigint): AccessOutcome {
    return this.apply((d, ev) => dmaAccess(this.layout, d, ev, ref, pciAddr, size, "write", value));
  }

  dmaDetailed(ref: FunctionRef, pciAddr: bigint, size: AccessSize, dir: DmaDirection, value = 0n): AccessOutcome {
    return this.apply((d, ev) => dmaAccess(this.layout, d, ev, ref, pciAddr, size, dir, value));
  }

  /** Map one 4 KiB IOMMU page for a function (what the driver's dma_map does): write the TCE. */
  mapDma(ref: FunctionRef, pciAddr: bigint, physAddr: bigint, perm: DmaPermission): void {
    this.apply((d) => writeTce(this, d, ref, pciAddr, physAddr, perm));
  }

  unmapDma(ref: FunctionRef, pciAddr: bigint): void {
    this.apply((d) => writeTce(this, d, ref, pciAddr, 0n, undefined));
  }

  /** Read host memory (what a DMA wrote). */
  memRead(addr: bigint, size: AccessSize): bigint {
    return memRead(this.current.memory, addr, size);
  }

  memWrite(addr: bigint, size: AccessSize, value: bigint): void {
    this.apply((d) => memWrite(d.memory, addr, size, value));
  }
}

// =====================================================================================
// Build

function buildPhb(pl: PhbLayout): PhbMachineState {
  const model = modelOf(pl.spec);
  const { state } = update(model.create(pl.spec, pl.slot), (hw) => {
    // RID → PE (OPAL_PCI_SET_PE), PELT-V (OPAL_PCI_SET_PELTV), windows (OPAL_PCI_MAP_PE_MMIO_WINDOW)
    for (const pe of pl.plan.pes) for (const r of pe.ranges) model.mapRidRange(hw, pe.pe, r);
    for (const [parent, child] of pl.plan.peltv) model.setPeltv(hw, parent, child, true);
    for (const [pe, segs] of pl.m32Segments) for (const s of segs) model.mapM32Segment(hw, s, pe);
    for (const [pe, segs] of pl.ioSegments) for (const s of segs) model.mapIoSegment(hw, s, pe);
    model.enableM64Window(hw);
    // DMA: a 32-bit TCE window per PE with devices (and a 64-bit bypass where the model has one).
    for (const pe of pl.plan.pes) {
      if (pe.pe === model.rootBusPe) continue;
      model.setDma32Window(hw, pe.pe, tceTableAddress(pl.slot, pe.pe), pe.ranges);
      model.setBypassWindow(hw, pe.pe);
    }
  });
  const functions: Record<number, FunctionState> = {};
  const multi = new Set<number>();
  for (const f of pl.spec.functions) if (f.address.fn !== 0) multi.add(ridOf(f.address) & ~7);
  for (const f of pl.spec.functions) {
    const rid = ridOf(f.address);
    let cs = createConfigSpace(f, { multiFunction: multi.has(rid & ~7) });
    for (const b of pl.barsByRid.get(rid) ?? []) cs = setBarAddress(cs, b.bar, b.pciAddress);
    // Enumeration leaves decoding and bus mastering on.
    const hasIo = (pl.barsByRid.get(rid) ?? []).some((b) => b.type === "io");
    cs = configWrite(cs, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | (hasIo ? PCI_COMMAND_IO : 0));
    functions[rid] = { rid, config: cs, mmio: {}, linkUp: true, linkFaultPermanent: false };
  }
  return { hw: state, functions, peTree: buildPeTree(pl.plan) };
}

// =====================================================================================
// Access paths

function checkPeNumber(hw: PhbState, pe: number): void {
  const n = modelOf(hw).numPes;
  if (!Number.isInteger(pe) || pe < 0 || pe >= n) throw new ArgumentError(`PE ${pe} outside 0..${n - 1} of PHB#${hw.id.toString(16)}`, { phb: hw.id, pe });
}

/** Whether every link between the root port and `bus` is up. */
export function pathUp(pl: PhbLayout, p: PhbMachineState | Draft<PhbMachineState>, bus: number): boolean {
  for (const br of bridgesAbove(pl, bus)) if (!p.functions[br]!.linkUp) return false;
  return true;
}

function raise(ev: HwEvent[], p: Draft<PhbMachineState>, kind: ErrorKind, ctx: ErrorContext, address?: bigint): RaisedError {
  const r = raiseError(p.hw, kind, ctx);
  const phb = p.hw.id;
  if (r.fenced) ev.push({ kind: "fence", phb, error: kind });
  else if (r.frozen.length > 0) ev.push({ kind: "freeze", phb, pe: ctx.pe, frozen: r.frozen, error: kind, ...(ctx.cause.rid !== undefined ? { rid: ctx.cause.rid } : {}), ...(address !== undefined ? { address } : {}) });
  else ev.push({ kind: "error-logged", phb, error: kind, pe: ctx.pe });
  return r;
}

function configAccess(
  layout: MachineLayout,
  d: Draft<MachineState>,
  ev: HwEvent[],
  ref: FunctionRef,
  offset: number,
  size: ConfigAccessSize,
  dir: "read" | "write",
  value: number,
): AccessOutcome {
  const address = typeof ref === "string" ? parsePciAddress(ref) : ref;
  const phbId = layout.phbIdByDomain.get(address.domain);
  if (phbId === undefined) throw new NotFoundError(`no PHB has PCI domain ${address.domain.toString(16).padStart(4, "0")}`, { address: formatPciAddress(address) });
  if (size !== 1 && size !== 2 && size !== 4) throw new ArgumentError(`config access size ${size} is not 1, 2 or 4`, { size });
  if (!Number.isInteger(offset) || offset < 0 || offset + size > 0x1000 || offset % size !== 0) {
    throw new ArgumentError(`config offset 0x${Number(offset).toString(16)} (size ${size}) is outside 0..0xfff or unaligned`, { offset, size });
  }
  const ones = allOnes(size);
  const pl = layout.phbs.get(phbId)!;
  const p = d.phbs[phbId]!;
  const hw = p.hw;
  const rid = ridOf(address);
  if (hw.broken) return { value: ones, blocked: "dead" };
  if (isFenced(hw)) return { value: ones, blocked: "fenced" };
  const fn = p.functions[rid];
  if (!fn) return { value: ones, blocked: "no-device" }; // master abort: absent function
  if (!pathUp(pl, p, address.bus)) return { value: ones, blocked: "link-down" };
  const model = modelOf(hw);
  const pe = model.peForRid(hw, rid);
  if (model.blocksConfigWhenFrozen && peFreezeState(hw, pe).mmio) return { value: ones, blocked: "frozen" };
  if (injectionHits(hw.regs, { space: "cfg", dir, key: BigInt(rid) << 44n })) {
    const error = raise(ev, p, "cfg-inject", { pe, cause: { causeBits: PESTA_MMIO_CAUSE | (dir === "read" ? PESTA_CFG_READ : PESTA_CFG_WRITE), ttype: TTYPE.OTHER, rid } });
    return { value: ones, blocked: "error", error };
  }
  if (dir === "read") return { value: BigInt(configRead(fn.config, offset, size)) };
  fn.config = configWrite(fn.config, offset, size, value);
  return { value: 0n };
}

interface MmioTarget {
  readonly phbId: number;
  readonly pe: number;
  readonly space: "mem" | "io";
}

function decodeMmio(layout: MachineLayout, d: Draft<MachineState>, cpuAddr: bigint): MmioTarget {
  const slot = phbSlotForCpuAddress(cpuAddr);
  const phbId = slot === undefined ? undefined : layout.phbIdBySlot[slot];
  const pl = phbId === undefined ? undefined : layout.phbs.get(phbId);
  if (phbId === undefined || !pl) throw new NotFoundError(`no PHB window decodes CPU address 0x${cpuAddr.toString(16)}`, { cpuAddr });
  const hw = d.phbs[phbId]!.hw as PhbState;
  const model = modelOf(hw);
  const m32 = m32CpuBase(pl.slot);
  if (cpuAddr >= m32 && cpuAddr < m32 + M32_WINDOW_SIZE) {
    return { phbId, pe: model.m32SegmentPe(hw, Number((cpuAddr - m32) / model.m32SegmentSize)), space: "mem" };
  }
  if (model.hasIoWindow) {
    const io = ioCpuBase(pl.slot);
    if (cpuAddr >= io && cpuAddr < io + IO_WINDOW_SIZE) return { phbId, pe: model.ioSegmentPe(hw, Number((cpuAddr - io) / (IO_WINDOW_SIZE / 128n))), space: "io" };
  }
  const pe = model.m64Pe(hw, cpuAddr);
  if (pe !== undefined) return { phbId, pe, space: "mem" };
  throw new NotFoundError(`CPU address 0x${cpuAddr.toString(16)} is in PHB#${phbId.toString(16)}'s aperture but outside its M32/M64${model.hasIoWindow ? "/IO" : ""} windows`, { cpuAddr, phb: phbId });
}

function mmioKey(bar: number, offset: bigint, size: AccessSize): string {
  return `${bar}:${offset.toString(16)}:${size}`;
}

function mmioAccess(layout: MachineLayout, d: Draft<MachineState>, ev: HwEvent[], cpuAddr: bigint, size: AccessSize, dir: "load" | "store", value: bigint): AccessOutcome {
  if (!isAccessSize(size)) throw new ArgumentError(`MMIO access size ${size} is not 1, 2, 4 or 8`, { size });
  if (cpuAddr % BigInt(size) !== 0n) throw new ArgumentError(`unaligned ${size}-byte MMIO access at 0x${cpuAddr.toString(16)}`, { cpuAddr, size });
  const target = decodeMmio(layout, d, cpuAddr);
  const pl = layout.phbs.get(target.phbId)!;
  const p = d.phbs[target.phbId]!;
  const hw = p.hw;
  const ones = allOnes(size);
  const ttype: Ttype = dir === "load" ? TTYPE.MMIO_LOAD : TTYPE.MMIO_STORE;
  if (hw.broken) return { value: ones, blocked: "dead" };
  if (isFenced(hw)) return { value: ones, blocked: "fenced" };
  // A frozen PE: loads return all ones, stores are dropped (§1.3, PESTA bit 0).
  if (peFreezeState(hw, target.pe).mmio) return { value: ones, blocked: "frozen" };
  if (injectionHits(hw.regs, { space: target.space, dir: dir === "load" ? "read" : "write", key: cpuAddr })) {
    const error = raise(ev, p, "mmio-inject", { pe: target.pe, cause: { causeBits: PESTA_MMIO_CAUSE, ttype }, log1: cpuAddr }, cpuAddr);
    return { value: ones, blocked: "error", error };
  }
  const bar = findBar(pl, cpuAddr);
  const fn = bar ? p.functions[bar.rid] : undefined;
  const decodes =
    bar !== undefined &&
    fn !== undefined &&
    BigInt(csBarAddress(fn.config, bar.bar)) === bar.pciAddress &&
    (configRead(fn.config, PCI_COMMAND, 2) & (bar.type === "io" ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) !== 0;
  if (!bar || !fn || !decodes) {
    // Nothing claims the address: the completion is an Unsupported Request.
    const error = raise(ev, p, "mmio-ur", { pe: target.pe, cause: { causeBits: PESTA_MMIO_CAUSE | PESTA_UR_RETURN, ttype, ...(bar ? { rid: bar.rid } : {}) }, log1: cpuAddr }, cpuAddr);
    return { value: ones, blocked: "error", error };
  }
  if (!pathUp(pl, p, bar.rid >> 8)) {
    // The device is behind a link that is down: the request times out.
    const error = raise(ev, p, "mmio-timeout", { pe: target.pe, cause: { causeBits: PESTA_MMIO_CAUSE | PESTA_CA_RETURN, ttype, rid: bar.rid }, log1: cpuAddr }, cpuAddr);
    return { value: ones, blocked: "link-down", error };
  }
  const offset = cpuAddr - bar.cpuStart;
  const key = mmioKey(bar.bar, offset, size);
  if (dir === "store") {
    fn.mmio[key] = BigInt.asUintN(size * 8, value);
    return { value: 0n };
  }
  const stored = fn.mmio[key];
  if (stored !== undefined) return { value: stored };
  // An untouched device register: offset 0 of the first BAR reads the device's IDs,
  // everything else reads zero — enough for a driver probe to recognise its device.
  const spec = pl.fnByRid.get(bar.rid)!;
  const firstBar = pl.barsByRid.get(bar.rid)![0]!;
  if (offset === 0n && size === 4 && firstBar.bar === bar.bar) return { value: BigInt(((spec.deviceId << 16) | spec.vendorId) >>> 0) };
  return { value: 0n };
}

function dmaAccess(
  layout: MachineLayout,
  d: Draft<MachineState>,
  ev: HwEvent[],
  ref: FunctionRef,
  pciAddr: bigint,
  size: AccessSize,
  dir: DmaDirection,
  value: bigint,
): AccessOutcome {
  if (!isAccessSize(size)) throw new ArgumentError(`DMA size ${size} is not 1, 2, 4 or 8`, { size });
  if (pciAddr < 0n || pciAddr >= 1n << 64n || pciAddr % BigInt(size) !== 0n) throw new ArgumentError(`bad DMA address 0x${pciAddr.toString(16)} for a ${size}-byte access`, { pciAddr, size });
  const address = typeof ref === "string" ? parsePciAddress(ref) : ref;
  const phbId = layout.phbIdByDomain.get(address.domain);
  const rid = ridOf(address);
  const pl = phbId === undefined ? undefined : layout.phbs.get(phbId);
  if (phbId === undefined || !pl || !pl.fnByRid.has(rid)) throw new NotFoundError(`no function ${formatPciAddress(address)} to issue DMA`, { address: formatPciAddress(address) });
  const p = d.phbs[phbId]!;
  const hw = p.hw;
  const ones = allOnes(size);
  if (!pathUp(pl, p, address.bus)) return { value: ones, blocked: "link-down" }; // the device cannot reach the PHB
  if (hw.broken) return { value: ones, blocked: "dead" };
  if (isFenced(hw)) return { value: ones, blocked: "fenced" };
  const model = modelOf(hw);
  const res = model.resolveDma(hw, rid, pciAddr);
  const ttype: Ttype = dir === "read" ? TTYPE.DMA_READ : TTYPE.DMA_WRITE;
  // A stopped PE's DMA is dropped (PESTB bit 0).
  if (peFreezeState(hw, res.pe).dma) return { value: ones, blocked: "frozen" };
  if (injectionHits(hw.regs, { space: "dma", dir, key: model.dmaInjectionKey(res.ok ? res.tve : 0, pciAddr) })) {
    const error = raise(ev, p, "dma-inject", { pe: res.pe, cause: { causeBits: 0n, ttype, rid, failingAddress: pciAddr }, log0: BigInt(rid), log1: pciAddr }, pciAddr);
    return { value: ones, blocked: "error", error };
  }
  const fault = (kind: ErrorKind, causeBits: bigint): AccessOutcome => {
    const error = raise(ev, p, kind, { pe: res.pe, cause: { causeBits, ttype, rid, failingAddress: pciAddr }, log0: BigInt(rid), log1: pciAddr }, pciAddr);
    return { value: ones, blocked: "error", error };
  };
  if (!res.ok) return res.outsideWindow ? fault("dma-tce-page-fault", PESTA_TCE_PAGE_FAULT) : fault("dma-tvt-error", PESTA_MMIO_XLATE);
  let phys: bigint;
  if (res.window.kind === "bypass") {
    phys = res.window.physAddr;
  } else {
    const w = res.window;
    const walk = tceWalk(d.memory, w.tableAddr, w.levels, w.tableShift, w.pageShift, w.offset);
    if (walk === undefined || (walk & (TCE_PCI_READ | TCE_PCI_WRITE)) === 0n) return fault("dma-tce-page-fault", PESTA_TCE_PAGE_FAULT);
    const need = dir === "read" ? TCE_PCI_READ : TCE_PCI_WRITE;
    if ((walk & need) === 0n) return fault("dma-tce-access-fault", PESTA_TCE_ACCESS_FAULT);
    const pageMask = (1n << BigInt(w.pageShift)) - 1n;
    phys = (walk & ~pageMask & ~0xfffn) | (w.offset & pageMask);
  }
  if (dir === "read") return { value: memRead(d.memory, phys, size) };
  memWrite(d.memory, phys, size, value);
  return { value: 0n };
}

/**
 * Walk a TCE table (QEMU's layout, powernv-opal §8): `levels` levels of 2^tableShift
 * 8-byte entries; an intermediate entry must be valid and points at the next level.
 * Returns the leaf TCE, or undefined when the offset is outside the table or a level is
 * missing.
 */
export function tceWalk(mem: MachineState["memory"], tableAddr: bigint, levels: number, tableShift: number, pageShift: number, offset: bigint): bigint | undefined {
  const idxBits = BigInt(tableShift);
  const total = BigInt(pageShift) + idxBits * BigInt(levels);
  if (offset >> total !== 0n) return undefined;
  let base = tableAddr;
  for (let lvl = levels - 1; lvl >= 0; lvl--) {
    const shift = BigInt(pageShift) + idxBits * BigInt(lvl);
    const idx = (offset >> shift) & ((1n << idxBits) - 1n);
    const tce = memRead(mem, base + idx * 8n, 8);
    if (lvl === 0) return tce;
    if ((tce & (TCE_PCI_READ | TCE_PCI_WRITE)) === 0n) return undefined;
    base = tce & ~0xfffn;
  }
  return undefined;
}

function writeTce(m: Machine, d: Draft<MachineState>, ref: FunctionRef, pciAddr: bigint, physAddr: bigint, perm: DmaPermission | undefined): void {
  const { phbId, rid, address } = m.locate(ref);
  if (pciAddr % 4096n !== 0n || physAddr % 4096n !== 0n) throw new ArgumentError(`DMA mappings are 4 KiB pages: 0x${pciAddr.toString(16)} → 0x${physAddr.toString(16)} is unaligned`, { pciAddr, physAddr });
  const hw = d.phbs[phbId]!.hw as PhbState;
  const res = modelOf(hw).resolveDma(hw, rid, pciAddr);
  if (!res.ok || res.window.kind !== "tce" || res.window.levels !== 1) {
    throw new ArgumentError(`0x${pciAddr.toString(16)} is not in a translated DMA window of ${formatPciAddress(address)}${res.ok ? "" : `: ${res.reason}`}`, { pciAddr });
  }
  const w = res.window;
  const idx = w.offset >> BigInt(w.pageShift);
  if (idx >= 1n << BigInt(w.tableShift)) {
    throw new ArgumentError(`0x${pciAddr.toString(16)} is beyond the ${(1n << BigInt(w.tableShift + w.pageShift)) >> 20n} MiB DMA window of ${formatPciAddress(address)}`, { pciAddr });
  }
  const bits = perm === undefined ? 0n : (perm.includes("r") ? TCE_PCI_READ : 0n) | (perm.includes("w") ? TCE_PCI_WRITE : 0n);
  memWrite(d.memory, w.tableAddr + idx * 8n, 8, perm === undefined ? 0n : (physAddr & ~0xfffn) | bits);
}

