// How firmware turns an IOA bus error of the memory functions into a freeze (pseries-rtas.md
// §4.5; powernv-opal.md §5.1): it programs the PHB's PAPR error-injection comparator —
// CTL (outbound, load or store), ADDR and MASK — so that the next MMIO load or store whose
// CPU address matches ADDR under MASK raises an outbound error, which freezes the PE through
// the model's own error path (ioda/err-inject.ts `injectionHits`). Nothing freezes when the
// injection is armed.
//
// The registers are the hardware's, so PHyp drives them as OPAL does, but the choice of the
// window is firmware's own: here the PE's MMIO windows as the platform laid them out — its
// M32 segments (32-bit type; the first contiguous run, masked to its length) or its M64
// segment (64-bit type; one segment per PE, segment number = PE number) — checked against
// the model's routing tables. An address inside one of them is used with the caller's mask;
// 0 or any other address means the whole window. (skiboot's phb3_err_inject looks for a
// device PE's 64-bit space in single-PE M64 BARs 0–14 only, which the emulated machine does
// not use, so ioda/faults `armErrInject` cannot arm a device or VF PE's 64-bit space.)
// Model facts (powernv-opal.md §5.1, §5.3): the address field is IBM bits 16–63 on PHB3 and
// 16–39 on P7IOC, and P7IOC has no 64-bit injection.

import { M64_SEGMENT_SIZE, m32CpuBase, m64Base } from "../../ioda/address-map.js";
import { classifyInjectFunc, injectCtl, injectionMask, INJ_MMIO_FIELD_P7IOC, INJ_MMIO_FIELD_PHB3 } from "../../ioda/err-inject.js";
import type { PhbLayout } from "../../ioda/layout.js";
import type { Machine } from "../../ioda/machine.js";
import { modelOf } from "../../ioda/phb-engine.js";
import { u64 } from "../../core/bits.js";
import { EEH_ERR_TYPE_64 } from "./errinjct-work-area.js";

export type ArmResult =
  | { readonly ok: true; readonly ctl: bigint; readonly addr: bigint; readonly mask: bigint }
  | { readonly ok: false; readonly reason: string };

export interface MmioInjection {
  readonly pe: number;
  /** EEH_ERR_TYPE_32 or EEH_ERR_TYPE_64. */
  readonly type: number;
  /** A memory function: 0, 1 (load) or 6, 7 (store). */
  readonly func: number;
  /** CPU address (0: the whole window). */
  readonly addr: bigint;
  readonly mask: bigint;
}

interface Window {
  readonly base: bigint;
  readonly size: bigint;
}

/** The PE's MMIO windows of this width, as the model routes them. */
function windowsOf(machine: Machine, layout: PhbLayout, pe: number, wide: boolean): Window[] {
  const hw = machine.phbState(layout.spec.id).hw;
  const model = modelOf(hw);
  if (wide) {
    const base = m64Base(layout.slot) + BigInt(pe) * M64_SEGMENT_SIZE;
    return model.m64Pe(hw, base) === pe ? [{ base, size: M64_SEGMENT_SIZE }] : [];
  }
  const segs = (layout.m32Segments.get(pe) ?? []).filter((s) => model.m32SegmentPe(hw, s) === pe);
  if (segs.length === 0) return [];
  let run = 1;
  while (run < segs.length && segs[run] === segs[0]! + run) run++;
  const segBase = (s: number): bigint => m32CpuBase(layout.slot) + BigInt(s) * model.m32SegmentSize;
  return [{ base: segBase(segs[0]!), size: BigInt(run) * model.m32SegmentSize }, ...segs.slice(run).map((s) => ({ base: segBase(s), size: model.m32SegmentSize }))];
}

/** Arm the comparator; refuses (changing nothing) when the PE has no such window or the model no such injection. */
export function armMmioInjection(machine: Machine, layout: PhbLayout, req: MmioInjection): ArmResult {
  const phbId = layout.spec.id;
  const hw = machine.phbState(phbId).hw;
  const kind = classifyInjectFunc(req.func);
  if (!kind || kind.space !== "mem") return { ok: false, reason: `function ${req.func} is not a memory load/store` };
  const p7ioc = hw.model === "ioda1";
  const wide = req.type === EEH_ERR_TYPE_64;
  if (p7ioc && wide) return { ok: false, reason: "P7IOC has no 64-bit injection" };
  const windows = windowsOf(machine, layout, req.pe, wide);
  const first = windows[0];
  if (!first) return { ok: false, reason: `PE ${req.pe} has no ${wide ? "M64" : "M32"} window` };
  const field = p7ioc ? INJ_MMIO_FIELD_P7IOC : INJ_MMIO_FIELD_PHB3;
  const hit = req.addr !== 0n && windows.some((w) => req.addr >= w.base && req.addr < w.base + w.size);
  const [addr, mask] = hit ? [req.addr, req.mask] : [first.base, injectionMask(first.size)];
  const ctl = injectCtl(kind);
  const armed = { ctl, addr: u64(addr) & field, mask: u64(mask) & field };
  machine.apply((d, ev) => {
    const regs = d.phbs[phbId]!.hw.regs;
    regs.injCtl = armed.ctl;
    regs.injAddr = armed.addr;
    regs.injMask = armed.mask;
    ev.push({ kind: "inject-armed", phb: phbId, pe: req.pe, ctl: armed.ctl, addr: armed.addr, mask: armed.mask });
  });
  return { ok: true, ...armed };
}
