// IODA1 — the POWER7 P7IOC PHB model (powernv-opal.md §1.1, §5.3). Its distinguishing
// tables, all on-chip: a 128-entry PELT-M CAM (one RID pattern per PE, matched by bus
// compare and device/function valid bits), a 128×128-bit PELT-V, 16 MiB M32 segments,
// an IO window with 64 KiB segments, M64 BARs whose 8 segments each map to any PE
// through the M64DT, and a TVT whose every entry carries its own RID filter and PE#.
// A fence shows in the hub's chip fence shadow register.

import { getField, getFieldNum, setField, u64 } from "../../core/bits.js";
import type { Draft } from "../../core/state.js";
import type { PhbSpec } from "../../pci/topology.js";
import { M32_WINDOW_SIZE, M64_SEGMENT_SIZE, IO_WINDOW_SIZE, m32CpuBase, m64Base, ioCpuBase } from "../address-map.js";
import { P7IOC_ERROR_SOURCES, P7IOC_ROUTING } from "../error-sources.js";
import { p7iocFenceShadowMask } from "../lem.js";
import { emptyRegs, type PhbCommonState } from "../phb-state.js";
import { ridRangeMask, type DmaResolution, type ErrInjectRequest, type ErrInjectResult, type PhbModel, type RidRange } from "../phb-model.js";
import {
  classifyInjectFunc,
  injectCtl,
  INJ_DMA_FIELD_P7IOC,
  INJ_IO_FIELD_P7IOC,
  INJ_MMIO_FIELD_P7IOC,
} from "../err-inject.js";
import * as R from "./regs.js";

export interface Ioda1State extends PhbCommonState {
  readonly model: "ioda1";
  /** The PHB's index within its hub (selects its chip-fence-shadow bits). */
  readonly hubIndex: number;
  peltm: bigint[];
  /** PELT-V: row r is words [2r] (children 0..63) and [2r+1] (children 64..127). */
  peltv: bigint[];
  m32dt: bigint[];
  iodt: bigint[];
  m64bt: bigint[];
  m64dt: bigint[];
  /** TVT: entry i is words [2i] (TVT0) and [2i+1] (TVT1). */
  tvt: bigint[];
  /** P7IOC_CHIP_FENCE_SHADOW (IOC register 0x3ec010) as this PHB sees it. */
  fenceShadow: bigint;
}

const M32_SEGMENT_SIZE = M32_WINDOW_SIZE / BigInt(R.IODA_M32_SEGMENTS); // 16 MiB
const IO_SEGMENT_SIZE = IO_WINDOW_SIZE / BigInt(R.IODA_IO_SEGMENTS); // 64 KiB

function checkPe(pe: number, what = "PE"): void {
  if (!Number.isInteger(pe) || pe < 0 || pe >= R.P7IOC_NUM_PES) throw new RangeError(`${what} ${pe} outside 0..127`);
}

function peField(pe: number): bigint {
  return setField(R.IODA_XXDT_PE, 0n, pe);
}

/** CAM compare of one PELT-M (or TVT) RID pattern. */
function camMatch(rid: number, bus: number, busCompare: number, dev: number | undefined, fn: number | undefined): boolean {
  const mask = ridRangeMask({ bus, busCompare, ...(dev !== undefined ? { device: dev } : {}), ...(fn !== undefined ? { fn } : {}) });
  const value = ((bus << 8) | ((dev ?? 0) << 3) | (fn ?? 0)) & mask;
  return (rid & mask) === value;
}

function peltmMatches(entry: bigint, rid: number): boolean {
  return camMatch(
    rid,
    getFieldNum(R.IODA_PELTM_BUS, entry),
    getFieldNum(R.IODA_PELTM_BUS_VALID, entry),
    entry & R.IODA_PELTM_DEV_VALID ? getFieldNum(R.IODA_PELTM_DEV, entry) : undefined,
    entry & R.IODA_PELTM_FUNC_VALID ? getFieldNum(R.IODA_PELTM_FUNC, entry) : undefined,
  );
}

function peltmEntry(range: RidRange): bigint {
  let e = setField(R.IODA_PELTM_BUS, 0n, range.bus);
  e = setField(R.IODA_PELTM_BUS_VALID, e, range.busCompare);
  if (range.device !== undefined) e = setField(R.IODA_PELTM_DEV, e, range.device) | R.IODA_PELTM_DEV_VALID;
  if (range.fn !== undefined) e = setField(R.IODA_PELTM_FUNC, e, range.fn) | R.IODA_PELTM_FUNC_VALID;
  return e;
}

export const ioda1Model: PhbModel<Ioda1State> = {
  kind: "ioda1",
  chip: "P7IOC",
  numPes: R.P7IOC_NUM_PES,
  reservedPe: R.P7IOC_RESERVED_PE,
  rootBusPe: R.P7IOC_RESERVED_PE - 1,
  m32SegmentSize: M32_SEGMENT_SIZE,
  peevWords: 2,
  errorSources: P7IOC_ERROR_SOURCES,
  routing: P7IOC_ROUTING,
  blocksConfigWhenFrozen: true,
  supportsVfPes: false,
  hasIoWindow: true,

  create(spec: PhbSpec, slot: number): Ioda1State {
    const peltm = new Array<bigint>(R.P7IOC_NUM_PES).fill(R.IODA_PELTM_DEFAULT);
    peltm[R.P7IOC_RESERVED_PE] = 0n; // matches every RID: the reserved PE
    return {
      model: "ioda1",
      id: spec.id,
      domain: spec.domain,
      slot,
      hubIndex: spec.id % R.P7IOC_NUM_PHBS,
      pestA: new Array<bigint>(R.P7IOC_NUM_PES).fill(0n),
      pestB: new Array<bigint>(R.P7IOC_NUM_PES).fill(0n),
      regs: emptyRegs(),
      broken: false,
      peltm,
      peltv: new Array<bigint>(2 * R.P7IOC_NUM_PES).fill(0n),
      m32dt: new Array<bigint>(R.IODA_M32_SEGMENTS).fill(peField(R.P7IOC_RESERVED_PE)),
      iodt: new Array<bigint>(R.IODA_IO_SEGMENTS).fill(peField(R.P7IOC_RESERVED_PE)),
      m64bt: new Array<bigint>(R.IODA_M64_BARS).fill(0n),
      m64dt: new Array<bigint>(R.IODA_M64_BARS * R.IODA_M64_SEGS_PER_BAR).fill(peField(R.P7IOC_RESERVED_PE)),
      tvt: new Array<bigint>(2 * R.IODA_TVT_ENTRIES).fill(0n),
      fenceShadow: 0n,
    };
  },

  // One PELT-M entry per PE: the PE's RID pattern (P7IOC stores in PELT-M what PHB3 spreads over the RTT).
  mapRidRange(s, pe, range) {
    checkPe(pe);
    if (pe === R.P7IOC_RESERVED_PE) throw new RangeError("PE 127 is the reserved PE (its PELT-M entry matches every RID)");
    s.peltm[pe] = peltmEntry(range);
  },
  unmapRidRange(s, pe) {
    checkPe(pe);
    s.peltm[pe] = pe === R.P7IOC_RESERVED_PE ? 0n : R.IODA_PELTM_DEFAULT;
  },
  // CAM lookup: the lowest-numbered matching entry wins; entry 127 matches everything.
  peForRid(s, rid) {
    for (let pe = 0; pe < R.P7IOC_NUM_PES; pe++) if (peltmMatches(s.peltm[pe]!, rid)) return pe;
    return R.P7IOC_RESERVED_PE;
  },

  setPeltv(s, parent, child, on) {
    checkPe(parent, "parent PE");
    checkPe(child, "child PE");
    const word = 2 * parent + (child >> 6);
    const bit = 1n << BigInt(63 - (child & 63));
    s.peltv[word] = on ? s.peltv[word]! | bit : s.peltv[word]! & ~bit;
  },
  peltvRow(s, parent) {
    const out: number[] = [];
    for (let half = 0; half < 2; half++) {
      const w = s.peltv[2 * parent + half]!;
      if (w === 0n) continue;
      for (let i = 0; i < 64; i++) if (w & (1n << BigInt(63 - i))) out.push(half * 64 + i);
    }
    return out;
  },

  mapM32Segment(s, segment, pe) {
    checkPe(pe);
    if (segment < 0 || segment >= R.IODA_M32_SEGMENTS) throw new RangeError(`M32 segment ${segment} outside 0..127`);
    s.m32dt[segment] = peField(pe);
  },
  m32SegmentPe(s, segment) {
    return getFieldNum(R.IODA_XXDT_PE, s.m32dt[segment] ?? peField(R.P7IOC_RESERVED_PE));
  },

  // Linux programs the M64DT so that segment n → PE n (BAR n/8, segment n%8), mimicking PHB3.
  enableM64Window(s) {
    const barSize = M64_SEGMENT_SIZE * BigInt(R.IODA_M64_SEGS_PER_BAR);
    for (let bar = 0; bar < R.IODA_M64_BARS; bar++) {
      const base = m64Base(s.slot) + BigInt(bar) * barSize;
      let e = R.IODA_M64BT_ENABLE;
      e = setField(R.IODA_M64BT_BASE, e, base >> 24n);
      e = setField(R.IODA_M64BT_MASK, e, (1n << 24n) - (barSize >> 24n));
      s.m64bt[bar] = e;
      for (let seg = 0; seg < R.IODA_M64_SEGS_PER_BAR; seg++) {
        const n = bar * R.IODA_M64_SEGS_PER_BAR + seg;
        s.m64dt[n] = peField(n);
      }
    }
  },
  m64Pe(s, cpuAddr) {
    for (let bar = 0; bar < R.IODA_M64_BARS; bar++) {
      const e = s.m64bt[bar]!;
      if (!(e & R.IODA_M64BT_ENABLE)) continue;
      const base = getField(R.IODA_M64BT_BASE, e) << 24n;
      const size = ((1n << 24n) - getField(R.IODA_M64BT_MASK, e)) << 24n;
      if (cpuAddr < base || cpuAddr >= base + size) continue;
      const seg = Number((cpuAddr - base) / (size / BigInt(R.IODA_M64_SEGS_PER_BAR)));
      return getFieldNum(R.IODA_XXDT_PE, s.m64dt[bar * R.IODA_M64_SEGS_PER_BAR + seg]!);
    }
    return undefined;
  },
  mapIoSegment(s, segment, pe) {
    checkPe(pe);
    if (segment < 0 || segment >= R.IODA_IO_SEGMENTS) throw new RangeError(`IO segment ${segment} outside 0..127`);
    s.iodt[segment] = peField(pe);
  },
  ioSegmentPe(s, segment) {
    return getFieldNum(R.IODA_XXDT_PE, s.iodt[segment] ?? peField(R.P7IOC_RESERVED_PE));
  },

  // Linux IODA1: one 256 MiB DMA32 segment (one TVE) per PE, from the 8 below the M32
  // window; each TVE filters on the PE's RID pattern. No TVE left → no DMA for the PE.
  setDma32Window(s, pe, tableAddr, rids) {
    checkPe(pe);
    const range = rids[0];
    if (!range) throw new RangeError(`PE ${pe} has no RID range for its TVE filter`);
    let tve = -1;
    for (let i = 0; i < R.IODA1_DMA32_SEGMENTS; i++) {
      if (s.tvt[2 * i] === 0n) {
        tve = i;
        break;
      }
    }
    if (tve < 0) return false;
    let t0 = setField(R.IODA_TVT0_TTA, 0n, tableAddr >> 12n);
    t0 = setField(R.IODA_TVT0_BUSNUM_VALID, t0, range.busCompare);
    t0 = setField(R.IODA_TVT0_TCE_TABLE_SIZE, t0, 28 - 26); // 256 MiB window
    t0 = setField(R.IODA_TVT0_BUSNUM, t0, range.bus);
    let t1 = setField(R.IODA_TVT1_PE_NUM, 0n, pe);
    t1 = setField(R.IODA_TVT1_IO_PSIZE, t1, 12 - 11);
    t1 = setField(R.IODA_TVT1_HUB_NUM, t1, 0);
    if (range.device !== undefined) t1 = setField(R.IODA_TVT1_DEVNUM, t1, range.device) | R.IODA_TVT1_DEVNUM_VALID;
    if (range.fn !== undefined) t1 = setField(R.IODA_TVT1_FUNCNUM, t1, range.fn) | R.IODA_TVT1_FUNCNUM_VALID;
    s.tvt[2 * tve] = t0;
    s.tvt[2 * tve + 1] = t1;
    return true;
  },
  dma32WindowBase(s, pe) {
    for (let i = 0; i < R.IODA1_DMA32_SEGMENTS; i++) {
      if (s.tvt[2 * i] !== 0n && getFieldNum(R.IODA_TVT1_PE_NUM, s.tvt[2 * i + 1]!) === pe) return BigInt(i) * R.PNV_IODA1_DMA32_SEGSIZE;
    }
    return undefined;
  },
  setBypassWindow() {
    return false; // IODA1 has no 64-bit bypass in Linux (§1.1)
  },
  resolveDma(s, rid, pciAddr): DmaResolution {
    const pe = ioda1Model.peForRid(s, rid);
    const tve = Number(pciAddr / R.PNV_IODA1_DMA32_SEGSIZE);
    if (tve >= R.IODA_TVT_ENTRIES) return { ok: false, pe, reason: "address above every TVE", outsideWindow: true };
    const t0 = s.tvt[2 * tve]!;
    const t1 = s.tvt[2 * tve + 1]!;
    const sizeField = getFieldNum(R.IODA_TVT0_TCE_TABLE_SIZE, t0);
    if (sizeField === 0) return { ok: false, pe, reason: `TVE#${tve} is not configured`, outsideWindow: false };
    const filter = camMatch(
      rid,
      getFieldNum(R.IODA_TVT0_BUSNUM, t0),
      getFieldNum(R.IODA_TVT0_BUSNUM_VALID, t0),
      t1 & R.IODA_TVT1_DEVNUM_VALID ? getFieldNum(R.IODA_TVT1_DEVNUM, t1) : undefined,
      t1 & R.IODA_TVT1_FUNCNUM_VALID ? getFieldNum(R.IODA_TVT1_FUNCNUM, t1) : undefined,
    );
    if (!filter) return { ok: false, pe, reason: `RID ${rid.toString(16)} fails the RID filter of TVE#${tve}`, outsideWindow: false };
    const windowSize = 1n << BigInt(sizeField + 26);
    const offset = pciAddr - BigInt(tve) * R.PNV_IODA1_DMA32_SEGSIZE;
    const tvePe = getFieldNum(R.IODA_TVT1_PE_NUM, t1);
    if (offset >= windowSize) return { ok: false, pe: tvePe, reason: `address beyond the window of TVE#${tve}`, outsideWindow: true };
    const pageShift = getFieldNum(R.IODA_TVT1_IO_PSIZE, t1) + 11;
    return {
      ok: true,
      pe: tvePe,
      tve,
      window: { kind: "tce", tableAddr: getField(R.IODA_TVT0_TTA, t0) << 12n, levels: 1, tableShift: sizeField + 26 - pageShift, pageShift, offset },
    };
  },
  // P7IOC injects DMA errors per TVE: the 4-bit TVE number in ADDR bits 60..63.
  dmaInjectionKey(tve) {
    return BigInt(tve & 0xf);
  },

  isFenced(s) {
    return (s.fenceShadow & p7iocFenceShadowMask(s.hubIndex)) !== 0n;
  },
  setFence(s) {
    s.fenceShadow |= p7iocFenceShadowMask(s.hubIndex);
  },
  clearFence(s) {
    s.fenceShadow &= ~p7iocFenceShadowMask(s.hubIndex);
  },

  errInject(s, req) {
    return ioda1ErrInject(s, req);
  },
};

// powernv-opal §5.3 `p7ioc_err_inject`.
function ioda1ErrInject(s: Draft<Ioda1State>, req: ErrInjectRequest): ErrInjectResult {
  const { pe, type, func } = req;
  if (type === 1) return { ok: false, status: "unsupported", reason: "P7IOC has no 64-bit injection" };
  if (!Number.isInteger(pe) || pe < 0 || pe > R.P7IOC_RESERVED_PE - 1) return { ok: false, status: "parameter", reason: `PE ${pe} out of range 0..126` };
  const entry = s.peltm[pe]!;
  if (entry === R.IODA_PELTM_DEFAULT) return { ok: false, status: "parameter", reason: `PE ${pe} has no PELT-M entry` };
  const kind = classifyInjectFunc(func);
  if (!kind) return { ok: false, status: "parameter", reason: `function ${func} is not an injection function` };
  const ctl = injectCtl(kind);

  if (kind.space === "mem" || kind.space === "io") {
    const table = kind.space === "mem" ? s.m32dt : s.iodt;
    const segSize = kind.space === "mem" ? M32_SEGMENT_SIZE : IO_SEGMENT_SIZE;
    const base = kind.space === "mem" ? m32CpuBase(s.slot) : ioCpuBase(s.slot);
    const fieldMask = kind.space === "mem" ? INJ_MMIO_FIELD_P7IOC : INJ_IO_FIELD_P7IOC;
    const segs: number[] = [];
    table.forEach((e, i) => {
      if (getFieldNum(R.IODA_XXDT_PE, e) === pe) segs.push(i);
    });
    if (segs.length === 0) return { ok: false, status: "parameter", reason: `PE ${pe} owns no ${kind.space === "mem" ? "M32" : "IO"} segment` };
    const segBase = (i: number): bigint => base + BigInt(i) * segSize;
    const callerHit = req.addr !== 0n && segs.some((i) => req.addr >= segBase(i) && req.addr < segBase(i) + segSize);
    // The default mask is the whole field: exactly one segment.
    const [addr, mask] = callerHit ? [req.addr, req.mask] : [segBase(segs[0]!), fieldMask];
    return arm(s, ctl, addr & fieldMask, mask & fieldMask);
  }
  if (kind.space === "cfg") {
    const busCompare = getFieldNum(R.IODA_PELTM_BUS_VALID, entry);
    if (busCompare < 2 || busCompare > 7) return { ok: false, status: "parameter", reason: `PE ${pe} has bus compare ${busCompare}` };
    const busMask = (((1 << (busCompare + 1)) - 1) << (7 - busCompare)) & 0xff;
    const bus = getFieldNum(R.IODA_PELTM_BUS, entry) & busMask;
    return arm(s, ctl, BigInt(bus) << 52n, BigInt(busMask) << 52n);
  }
  for (let tve = 0; tve < R.IODA_TVT_ENTRIES; tve++) {
    if (s.tvt[2 * tve] !== 0n && getFieldNum(R.IODA_TVT1_PE_NUM, s.tvt[2 * tve + 1]!) === pe) {
      return arm(s, ctl, BigInt(tve & 0xf), INJ_DMA_FIELD_P7IOC);
    }
  }
  return { ok: false, status: "parameter", reason: `PE ${pe} owns no TVE` };
}

function arm(s: Draft<Ioda1State>, ctl: bigint, addr: bigint, mask: bigint): ErrInjectResult {
  s.regs.injCtl = ctl;
  s.regs.injAddr = u64(addr);
  s.regs.injMask = u64(mask);
  return { ok: true, ctl, addr: u64(addr), mask: u64(mask) };
}
