// IODA2 — the POWER8 PHB3 model (powernv-opal.md §1.1, §5.2, §8). Its distinguishing
// tables: an in-memory RTT (64 K × u16, indexed by RID, default = reserved PE 255), an
// in-memory PELT-V bit matrix (row = parent·32 bytes, MSB-first), 256 M32 segments mapped
// by the M32DT, 16 M64 BARs in shared (segment i → PE i) or single-PE mode, and two TVEs
// per PE selected by PCI address bit 59.

import { getField, getFieldNum, setField, u64 } from "../../core/bits.js";
import { cowWrite, type Draft } from "../../core/state.js";
import type { PhbSpec } from "../../pci/topology.js";
import {
  M32_WINDOW_SIZE,
  M64_SEGMENT_SIZE,
  DMA32_WINDOW_SIZE,
  HOST_RAM_TOP,
  DMA_BYPASS_BASE,
  m32CpuBase,
  m64Base,
} from "../address-map.js";
import { PHB3_ERROR_SOURCES, PHB3_ROUTING } from "../error-sources.js";
import { PHB3_NFIR_AIB_FENCED } from "../lem.js";
import { emptyRegs, type PhbCommonState } from "../phb-state.js";
import {
  ridRangeMask,
  ridRangeValue,
  type DmaResolution,
  type ErrInjectRequest,
  type ErrInjectResult,
  type PhbModel,
  type RidRange,
} from "../phb-model.js";
import { injectionMask, injectCtl, INJ_FIELD_CFG_BUS, INJ_FIELD_CFG_BDFN, INJ_MMIO_FIELD_PHB3, classifyInjectFunc } from "../err-inject.js";
import * as R from "./regs.js";

export interface Ioda2State extends PhbCommonState {
  readonly model: "ioda2";
  /** RID → PE, 64 K entries (copy-on-write typed array). */
  rtt: Uint16Array;
  /** PELT-V bit matrix, 256 rows × 32 bytes (copy-on-write typed array). */
  peltv: Uint8Array;
  m32dt: bigint[];
  m64bt: bigint[];
  tvt: bigint[];
  /** PBCQ NFIR / mask / WOF (XSCOM), the PHB3 fence indicator lives in NFIR bit 16. */
  nfir: bigint;
  nfirMask: bigint;
  nfirWof: bigint;
}

const M32_SEGMENT_SIZE = M32_WINDOW_SIZE / BigInt(R.IODA2_M32_SEGMENTS); // 8 MiB

function peltvIndex(parent: number, child: number): { byte: number; mask: number } {
  return { byte: parent * 32 + (child >> 3), mask: 0x80 >> (child & 7) };
}

function checkPe(pe: number, what = "PE"): void {
  if (!Number.isInteger(pe) || pe < 0 || pe >= R.PHB3_MAX_PE_NUM) throw new RangeError(`${what} ${pe} outside 0..255`);
}

export const ioda2Model: PhbModel<Ioda2State> = {
  kind: "ioda2",
  chip: "PHB3",
  numPes: R.PHB3_MAX_PE_NUM,
  reservedPe: R.PHB3_RESERVED_PE_NUM,
  rootBusPe: R.PHB3_RESERVED_PE_NUM - 1,
  m32SegmentSize: M32_SEGMENT_SIZE,
  peevWords: 4,
  errorSources: PHB3_ERROR_SOURCES,
  routing: PHB3_ROUTING,
  blocksConfigWhenFrozen: false,
  supportsVfPes: true,
  hasIoWindow: false,

  create(spec: PhbSpec, slot: number): Ioda2State {
    return {
      model: "ioda2",
      id: spec.id,
      domain: spec.domain,
      slot,
      pestA: new Array<bigint>(R.PHB3_MAX_PE_NUM).fill(0n),
      pestB: new Array<bigint>(R.PHB3_MAX_PE_NUM).fill(0n),
      regs: emptyRegs(),
      broken: false,
      rtt: new Uint16Array(R.RTT_TABLE_ENTRIES).fill(R.PHB3_RESERVED_PE_NUM),
      peltv: new Uint8Array(R.PELTV_TABLE_SIZE),
      m32dt: new Array<bigint>(R.IODA2_M32_SEGMENTS).fill(setField(R.IODA2_M32DT_PE, 0n, R.PHB3_RESERVED_PE_NUM)),
      m64bt: new Array<bigint>(R.IODA2_M64_BARS).fill(0n),
      tvt: new Array<bigint>(R.IODA2_TVT_ENTRIES).fill(0n),
      nfir: 0n,
      nfirMask: 0n,
      nfirWof: 0n,
    };
  },

  // RTT: every index whose RID matches the range under its mask gets the PE (§1.2).
  mapRidRange(s, pe, range) {
    checkPe(pe);
    s.rtt = fillRtt(s.rtt, range, pe);
  },
  unmapRidRange(s, _pe, range) {
    s.rtt = fillRtt(s.rtt, range, R.PHB3_RESERVED_PE_NUM);
  },
  peForRid(s, rid) {
    return s.rtt[rid & 0xffff]!;
  },

  setPeltv(s, parent, child, on) {
    checkPe(parent, "parent PE");
    checkPe(child, "child PE");
    const { byte, mask } = peltvIndex(parent, child);
    s.peltv = cowWrite(s.peltv, (t) => {
      t[byte] = on ? t[byte]! | mask : t[byte]! & ~mask;
    });
  },
  peltvRow(s, parent) {
    const out: number[] = [];
    for (let b = 0; b < 32; b++) {
      const v = s.peltv[parent * 32 + b]!;
      if (v === 0) continue;
      for (let i = 0; i < 8; i++) if (v & (0x80 >> i)) out.push(b * 8 + i);
    }
    return out;
  },

  mapM32Segment(s, segment, pe) {
    checkPe(pe);
    if (segment < 0 || segment >= R.IODA2_M32_SEGMENTS) throw new RangeError(`M32 segment ${segment} outside 0..255`);
    s.m32dt[segment] = setField(R.IODA2_M32DT_PE, 0n, pe);
  },
  m32SegmentPe(s, segment) {
    return getFieldNum(R.IODA2_M32DT_PE, s.m32dt[segment] ?? 0n);
  },

  // Linux's default: the last M64 BAR (15) in shared ("split") mode over the whole M64
  // window; segment i is hard-wired to PE i (§1.1, §1.4).
  enableM64Window(s) {
    const base = m64Base(s.slot);
    const size = M64_SEGMENT_SIZE * BigInt(R.IODA2_M64_SEGMENTS);
    let e = R.IODA2_M64BT_ENABLE;
    e = setField(R.IODA2_M64BT_BASE, e, base >> 20n);
    e = setField(R.IODA2_M64BT_MASK, e, (1n << 30n) - (size >> 20n));
    s.m64bt[R.IODA2_M64_BARS - 1] = e;
  },
  m64Pe(s, cpuAddr) {
    for (let bar = 0; bar < R.IODA2_M64_BARS; bar++) {
      const e = s.m64bt[bar]!;
      if (!(e & R.IODA2_M64BT_ENABLE)) continue;
      const hit = decodeM64Bar(e, cpuAddr);
      if (hit !== undefined) return hit;
    }
    return undefined;
  },
  mapIoSegment() {
    throw new RangeError("PHB3 has no IO window (OPAL_IO_WINDOW_TYPE → OPAL_UNSUPPORTED)");
  },
  ioSegmentPe() {
    return R.PHB3_RESERVED_PE_NUM;
  },

  // TVE#0 = pe·2: 32-bit TCE window 0..2 GiB, one level, 4 KiB pages.
  setDma32Window(s, pe, tableAddr) {
    checkPe(pe);
    const entries = DMA32_WINDOW_SIZE >> 12n; // 4 KiB TCEs
    const tableBytes = entries * 8n;
    let tve = setField(R.IODA2_TVT_TABLE_ADDR, 0n, tableAddr >> 12n);
    tve = setField(R.IODA2_TVT_NUM_LEVELS, tve, 0);
    tve = setField(R.IODA2_TVT_TCE_TABLE_SIZE, tve, log2(tableBytes) - 11);
    tve = setField(R.IODA2_TVT_IO_PSIZE, tve, 12 - 11);
    s.tvt[pe << 1] = tve;
    return true;
  },
  dma32WindowBase(s, pe) {
    return getFieldNum(R.IODA2_TVT_IO_PSIZE, s.tvt[pe << 1] ?? 0n) !== 0 ? 0n : undefined;
  },
  // TVE#1 = pe·2+1: untranslated bypass of host RAM at PCI 1 << 59.
  setBypassWindow(s, pe) {
    checkPe(pe);
    let tve = R.IODA2_TVT_BYPASS_VALID;
    tve = setField(R.IODA2_TVT_BYPASS_START, tve, 0);
    tve = setField(R.IODA2_TVT_BYPASS_END, tve, HOST_RAM_TOP >> 24n);
    s.tvt[(pe << 1) | 1] = tve;
    return true;
  },
  resolveDma(s, rid, pciAddr): DmaResolution {
    const pe = s.rtt[rid & 0xffff]!;
    const tveIndex = (pe << 1) | Number((pciAddr >> R.DMA_TVE_SELECT_BIT) & 1n);
    const tve = s.tvt[tveIndex] ?? 0n;
    const offset = pciAddr & ((1n << R.DMA_TVE_SELECT_BIT) - 1n);
    const psize = getFieldNum(R.IODA2_TVT_IO_PSIZE, tve);
    if (psize === 0) {
      if (!(tve & R.IODA2_TVT_BYPASS_VALID)) return { ok: false, pe, reason: `TVE#${tveIndex} is not configured`, outsideWindow: false };
      const start = getField(R.IODA2_TVT_BYPASS_START, tve) << 24n;
      const end = getField(R.IODA2_TVT_BYPASS_END, tve) << 24n;
      if (offset < start || offset >= end) return { ok: false, pe, reason: `address outside bypass window of TVE#${tveIndex}`, outsideWindow: true };
      return { ok: true, pe, tve: tveIndex, window: { kind: "bypass", physAddr: offset } };
    }
    return {
      ok: true,
      pe,
      tve: tveIndex,
      window: {
        kind: "tce",
        tableAddr: getField(R.IODA2_TVT_TABLE_ADDR, tve) << 12n,
        levels: getFieldNum(R.IODA2_TVT_NUM_LEVELS, tve) + 1,
        tableShift: getFieldNum(R.IODA2_TVT_TCE_TABLE_SIZE, tve) + 8,
        pageShift: psize + 11,
        offset,
      },
    };
  },
  dmaInjectionKey(_tve, pciAddr) {
    return pciAddr;
  },

  // The PHB3 fence indicator is PBCQ NFIR bit 16 (AIB fenced).
  isFenced(s) {
    return (s.nfir & PHB3_NFIR_AIB_FENCED) !== 0n;
  },
  setFence(s) {
    if (s.nfirWof === 0n) s.nfirWof = PHB3_NFIR_AIB_FENCED;
    s.nfir |= PHB3_NFIR_AIB_FENCED;
  },
  clearFence(s) {
    s.nfir = 0n;
    s.nfirWof = 0n;
  },

  errInject(s, req, _memory) {
    return ioda2ErrInject(s, req);
  },
};

function fillRtt(rtt: Uint16Array, range: RidRange, pe: number): Uint16Array {
  const mask = ridRangeMask(range);
  const value = ridRangeValue(range);
  return cowWrite(rtt, (t) => {
    // Walk only the matching RIDs: the free bits of the mask enumerate them.
    const free = ~mask & 0xffff;
    let sub = free;
    for (;;) {
      t[value | sub] = pe;
      if (sub === 0) break;
      sub = (sub - 1) & free;
    }
  });
}

function decodeM64Bar(e: bigint, addr: bigint): number | undefined {
  if (e & R.IODA2_M64BT_SINGLE_PE) {
    const base = getField(R.IODA2_M64BT_SINGLE_BASE, e) << 25n;
    const size = ((1n << 25n) - getField(R.IODA2_M64BT_SINGLE_MASK, e)) << 25n;
    if (addr < base || addr >= base + size) return undefined;
    return (getFieldNum(R.IODA2_M64BT_PE_HI, e) << 5) | getFieldNum(R.IODA2_M64BT_PE_LOW, e);
  }
  const base = getField(R.IODA2_M64BT_BASE, e) << 20n;
  const size = ((1n << 30n) - getField(R.IODA2_M64BT_MASK, e)) << 20n;
  if (addr < base || addr >= base + size) return undefined;
  return Number((addr - base) / (size / BigInt(R.IODA2_M64_SEGMENTS)));
}

function log2(v: bigint): number {
  let n = 0;
  while (1n << BigInt(n + 1) <= v) n++;
  return n;
}

/** The RIDs the RTT maps to `pe`, ascending. */
export function ioda2RidsOfPe(s: Ioda2State, pe: number): number[] {
  const out: number[] = [];
  const rtt = s.rtt; // read the typed array once, not through a draft proxy per entry
  for (let rid = 0; rid < R.RTT_TABLE_ENTRIES; rid++) if (rtt[rid] === pe) out.push(rid);
  return out;
}

// powernv-opal §5.2 `phb3_err_inject`.
function ioda2ErrInject(s: Draft<Ioda2State>, req: ErrInjectRequest): ErrInjectResult {
  const { pe, type, func } = req;
  if (!Number.isInteger(pe) || pe < 0 || pe >= R.PHB3_RESERVED_PE_NUM) {
    return { ok: false, status: "parameter", reason: `PE ${pe} is the reserved PE or out of range` };
  }
  const kind = classifyInjectFunc(func);
  if (!kind || kind.space === "io") return { ok: false, status: "parameter", reason: `function ${func} is not supported by PHB3` };
  const ctl = injectCtl(kind);
  const rids = ioda2RidsOfPe(s, pe);
  const rtt = s.rtt;

  if (kind.space === "mem" && type === 0) {
    // mem32: the PE's M32 segments, first contiguous run; CPU real addresses.
    const segs: number[] = [];
    for (let i = 0; i < R.IODA2_M32_SEGMENTS; i++) if (getFieldNum(R.IODA2_M32DT_PE, s.m32dt[i]!) === pe) segs.push(i);
    if (segs.length === 0) return { ok: false, status: "parameter", reason: `PE ${pe} owns no M32 segment` };
    let runLen = 1;
    while (runLen < segs.length && segs[runLen] === segs[0]! + runLen) runLen++;
    const segBase = (i: number): bigint => m32CpuBase(s.slot) + BigInt(i) * M32_SEGMENT_SIZE;
    const callerHit = req.addr !== 0n && segs.some((i) => req.addr >= segBase(i) && req.addr < segBase(i) + M32_SEGMENT_SIZE);
    const [addr, mask] = callerHit
      ? [req.addr, req.mask]
      : [segBase(segs[0]!), injectionMask(BigInt(runLen) * M32_SEGMENT_SIZE)];
    return arm(s, ctl, addr & INJ_MMIO_FIELD_PHB3, mask & INJ_MMIO_FIELD_PHB3);
  }
  if (kind.space === "mem") {
    // mem64: a bus PE is searched only in the last BAR (15), a device PE in BARs 0..14.
    const isBusPe = rids.some((r) => r + 8 <= 0xffff && rtt[r + 8] === pe);
    const bars = isBusPe ? [R.IODA2_M64_BARS - 1] : Array.from({ length: R.IODA2_M64_BARS - 1 }, (_, i) => i);
    for (const bar of bars) {
      const e = s.m64bt[bar]!;
      if (!(e & R.IODA2_M64BT_ENABLE)) continue;
      let base: bigint;
      let size: bigint;
      if (e & R.IODA2_M64BT_SINGLE_PE) {
        const owner = (getFieldNum(R.IODA2_M64BT_PE_HI, e) << 5) | getFieldNum(R.IODA2_M64BT_PE_LOW, e);
        if (owner !== pe) continue;
        base = getField(R.IODA2_M64BT_SINGLE_BASE, e) << 25n;
        size = ((1n << 25n) - getField(R.IODA2_M64BT_SINGLE_MASK, e)) << 25n;
      } else {
        const whole = ((1n << 30n) - getField(R.IODA2_M64BT_MASK, e)) << 20n;
        size = whole / BigInt(R.IODA2_M64_SEGMENTS);
        base = (getField(R.IODA2_M64BT_BASE, e) << 20n) + size * BigInt(pe);
      }
      const callerHit = req.addr !== 0n && req.addr >= base && req.addr < base + size;
      const [addr, mask] = callerHit ? [req.addr, req.mask] : [base, injectionMask(size)];
      return arm(s, ctl, addr & INJ_MMIO_FIELD_PHB3, mask & INJ_MMIO_FIELD_PHB3);
    }
    return { ok: false, status: "parameter", reason: `no M64 BAR covers PE ${pe}` };
  }
  if (kind.space === "cfg") {
    if (rids.length === 0) return { ok: false, status: "parameter", reason: `PE ${pe} has no RID` };
    const isBusPe = rids.some((r) => r + 8 <= 0xffff && rtt[r + 8] === pe);
    if (isBusPe) {
      const buses = new Set(rids.map((r) => r >> 8));
      const callerBus = Number((req.addr & INJ_FIELD_CFG_BUS) >> 52n);
      const bus = buses.has(callerBus) ? callerBus : (rids[0]! >> 8);
      return arm(s, ctl, BigInt(bus) << 52n, INJ_FIELD_CFG_BUS);
    }
    const callerRid = Number((req.addr & INJ_FIELD_CFG_BDFN) >> 44n);
    const rid = rids.includes(callerRid) ? callerRid : rids[0]!;
    return arm(s, ctl, BigInt(rid) << 44n, INJ_FIELD_CFG_BDFN);
  }
  // dma: TVE pe·2 (+1 for 64-bit), DMA base 0 or 1 << 59.
  const tveIndex = (pe << 1) | (type === 1 ? 1 : 0);
  const tve = s.tvt[tveIndex]!;
  const psize = getFieldNum(R.IODA2_TVT_IO_PSIZE, tve);
  if (psize === 0 && !(tve & R.IODA2_TVT_BYPASS_VALID)) {
    return { ok: false, status: "unsupported", reason: `TVE#${tveIndex} of PE ${pe} is not configured` };
  }
  const dmaBase = type === 1 ? DMA_BYPASS_BASE : 0n;
  let start = dmaBase;
  let length: bigint;
  if (psize === 0) {
    start = dmaBase + (getField(R.IODA2_TVT_BYPASS_START, tve) << 24n);
    length = (getField(R.IODA2_TVT_BYPASS_END, tve) - getField(R.IODA2_TVT_BYPASS_START, tve)) << 24n;
  } else {
    const pageSize = [5, 13, 17].includes(psize) ? 1n << BigInt(psize + 11) : 4096n;
    length = (1n << BigInt(getFieldNum(R.IODA2_TVT_TCE_TABLE_SIZE, tve) + 8)) * pageSize;
  }
  const callerHit = req.addr !== 0n && req.addr >= start && req.addr < start + length;
  const [addr, mask] = callerHit ? [req.addr, req.mask] : [start, injectionMask(length)];
  return arm(s, ctl, addr, mask);
}

function arm(s: Draft<Ioda2State>, ctl: bigint, addr: bigint, mask: bigint): ErrInjectResult {
  // Write order CTL←0, ADDR, MASK, CTL (§5.1); the model applies them at once.
  s.regs.injCtl = ctl;
  s.regs.injAddr = u64(addr);
  s.regs.injMask = u64(mask);
  return { ok: true, ctl, addr: u64(addr), mask: u64(mask) };
}

