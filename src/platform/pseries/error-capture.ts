// What firmware latches when it detects an EEH error on a PE (pseries-rtas.md §3.10, §3.13):
// the failing function and the location codes of its slot and the slot's parent (FRU
// callouts 'H' and 'L'), and the register dump of §3.10 — PHB registers (block 0x38), the
// registers of the bridge above the slot (block 0x3A) and the adapter's config words
// (block 0x40). The capture is taken once per error, when the firmware first sees the PE
// frozen (see pseries-platform.ts), so later logs of the same error carry the same data.
//
// Where each value comes from:
//   - PHB registers: the PHB model's state (phb-state.ts) at the register offsets of the
//     PHB3 register file (ioda2/regs.ts, error-sources.ts); both models keep the same
//     register file in the emulator, so P7IOC registers are dumped at the same offsets
//     (emulator assumption). PESTA/PESTB of the PE are dumped as IODA table entries at
//     offset (table << 16) | (PE << 3) with the IODA table numbers 7 and 8 (emulator
//     convention: they are not registers). A 64-bit register is two pairs (high word at the
//     offset). A dead PHB answers nothing: every register reads all ones.
//   - Bridge and adapter: config reads through the machine, as firmware does them: a
//     frozen PE's config reads return all ones on IODA1 (P7IOC blocks config access to a
//     frozen PE) exactly as in the §3.10 sample, whose POWER5 bridge did the same; on IODA2
//     (PHB3) the freeze does not block config access, so the dump holds what the adapter
//     really answers. Behind a link that is down, or on a fenced or dead PHB, they read all
//     ones. The adapter words are those of the sample: 0x04, 0x00, 0x2C.
//   - No RIO hub in an IODA machine: the sample's block 0x37 is left out.
//
// The failing function is the one PESTA recorded (its RID field, when the freeze recorded a
// cause and the RID is in the PE), else the PE's first function that is not a bridge, else
// its first function. The parent location is that of the bridge above the slot when it
// differs, else the slot's location without its last component (the planar: "…-P1-C3" →
// "…-P1", as in the sample); none when there is nothing to strip.

import { EEH_SAMPLE_ADAPTER_CONFIG_OFFSETS, type EehRegister, type EehRegisterInput } from "../../log/rtas/index.js";
import { aerCapOffset } from "../../pci/aer-capability.js";
import { findCapability } from "../../pci/config-space.js";
import {
  PCI_CAP_ID_EXP,
  PCI_ERR_CAP,
  PCI_ERR_COR_STATUS,
  PCI_ERR_HEADER_LOG,
  PCI_ERR_ROOT_ERR_SRC,
  PCI_ERR_ROOT_STATUS,
  PCI_ERR_UNCOR_MASK,
  PCI_ERR_UNCOR_SEVER,
  PCI_ERR_UNCOR_STATUS,
  PCI_EXP_DEVCTL,
  PCI_EXP_LNKCTL,
  PCI_EXP_SLTCTL,
} from "../../pci/regs.js";
import type { Rid } from "../../pci/address.js";
import { ERR_GROUPS, ERR_GROUP_REGS } from "../../ioda/error-sources.js";
import { PHB_CPU_LOADSTORE_STATUS, PHB_DMA_CHAN_STATUS, PHB_LEM_ERROR_MASK, PHB_LEM_FIR_ACCUM, PHB_LEM_WOF, PHB_PAPR_ERR_INJ_ADDR, PHB_PAPR_ERR_INJ_CTL, PHB_PAPR_ERR_INJ_MASK, IODA2_TBL_PESTA, IODA2_TBL_PESTB } from "../../ioda/ioda2/regs.js";
import type { PhbLayout } from "../../ioda/layout.js";
import type { Machine } from "../../ioda/machine.js";
import type { PePlan } from "../../ioda/pe/pe-plan.js";
import { PEST_FROZEN, pestRid } from "../../ioda/pest.js";
import type { PhbState } from "../../ioda/phb-engine.js";
import { isBridgeKind } from "../../pci/topology.js";
import { functionAddress } from "./pe-directory.js";

const ONES32 = 0xffff_ffff;
const ONES64 = 0xffff_ffff_ffff_ffffn;
/** Linux eeh_pe_loc_get's fallback when no location code is known. */
const NO_LOCATION = "N/A";

export interface EehCapture {
  /** Platform log id given to this error. */
  readonly plid: number;
  /** Wall-clock ms (UTC) of the detection: the PH creation time. */
  readonly timestamp: number;
  readonly phbId: number;
  readonly pe: number;
  readonly failingRid: Rid;
  readonly failingLocation: string;
  readonly parentLocation?: string;
  readonly peConfigAddr: number;
  readonly buid: bigint;
  readonly registers: EehRegisterInput;
}

export interface CaptureContext {
  readonly machine: Machine;
  readonly phbId: number;
  readonly layout: PhbLayout;
  readonly plan: PePlan;
  readonly peConfigAddr: number;
  readonly buid: bigint;
  readonly plid: number;
  readonly timestamp: number;
}

export function captureEehError(c: CaptureContext): EehCapture {
  const hw = c.machine.phbState(c.phbId).hw;
  const failingRid = failingFunction(c.layout, c.plan, hw);
  const failingLocation = c.layout.fnByRid.get(failingRid)?.location ?? c.layout.spec.location ?? NO_LOCATION;
  const parentLocation = parentLocationOf(c.layout, failingRid, failingLocation);
  const bridge = c.layout.bridgeForBus.get(failingRid >> 8);
  const registers: EehRegisterInput = {
    phb: phbRegisters(hw, c.plan.pe),
    ...(bridge !== undefined ? { bridge: bridgeRegisters(c.machine, c.layout, bridge) } : {}),
    adapter: EEH_SAMPLE_ADAPTER_CONFIG_OFFSETS.map((off): [number, number] => [off, read32(c.machine, c.layout, failingRid, off)]),
  };
  return {
    plid: c.plid,
    timestamp: c.timestamp,
    phbId: c.phbId,
    pe: c.plan.pe,
    failingRid,
    failingLocation,
    ...(parentLocation !== undefined ? { parentLocation } : {}),
    peConfigAddr: c.peConfigAddr,
    buid: c.buid,
    registers,
  };
}

function failingFunction(layout: PhbLayout, plan: PePlan, hw: PhbState): Rid {
  const a = hw.pestA[plan.pe] ?? 0n;
  if ((a & ~PEST_FROZEN) !== 0n) {
    const rid = pestRid(a);
    if (plan.rids.includes(rid)) return rid;
  }
  const endpoint = plan.rids.find((r) => {
    const f = layout.fnByRid.get(r);
    return f !== undefined && !isBridgeKind(f.kind);
  });
  return endpoint ?? plan.rids[0] ?? 0;
}

export function parentLocationOf(layout: PhbLayout, rid: Rid, slot: string): string | undefined {
  const bridge = layout.bridgeForBus.get(rid >> 8);
  const above = bridge !== undefined ? layout.fnByRid.get(bridge)?.location : undefined;
  if (above !== undefined && above !== slot) return above;
  const first = slot.indexOf("-");
  const last = slot.lastIndexOf("-");
  return first >= 0 && last > first ? slot.slice(0, last) : undefined;
}

/** The PHB block: status, injection and LEM registers, the four error groups, the PE's PEST words. */
export function phbRegisters(hw: PhbState, pe: number): EehRegister[] {
  const r = hw.regs;
  const v = (x: bigint): bigint => (hw.broken ? ONES64 : x);
  const regs: EehRegister[] = [
    [PHB_DMA_CHAN_STATUS, v(r.csr)],
    [PHB_CPU_LOADSTORE_STATUS, v(r.plssr)],
    [PHB_PAPR_ERR_INJ_CTL, v(r.injCtl)],
    [PHB_PAPR_ERR_INJ_ADDR, v(r.injAddr)],
    [PHB_PAPR_ERR_INJ_MASK, v(r.injMask)],
    [PHB_LEM_FIR_ACCUM, v(r.lemFir)],
    [PHB_LEM_ERROR_MASK, v(r.lemErrorMask)],
    [PHB_LEM_WOF, v(r.lemWof)],
  ];
  for (const g of ERR_GROUPS) {
    const off = ERR_GROUP_REGS[g];
    const gr = r.groups[g];
    regs.push([off.status, v(gr.status)], [off.first, v(gr.first)], [off.log0, v(gr.log0)], [off.log1, v(gr.log1)]);
  }
  regs.push([pestDumpOffset(IODA2_TBL_PESTA, pe), v(hw.pestA[pe] ?? 0n)], [pestDumpOffset(IODA2_TBL_PESTB, pe), v(hw.pestB[pe] ?? 0n)]);
  return regs;
}

/** Dump offset of an IODA table entry: (table << 16) | (index << 3). */
export function pestDumpOffset(table: number, index: number): number {
  return ((table << 16) | (index << 3)) >>> 0;
}

function read32(machine: Machine, layout: PhbLayout, rid: Rid, offset: number): number {
  return machine.configRead(functionAddress(layout, rid), offset, 4) >>> 0;
}

/**
 * The bridge block: the type-1 header (dwords 0x00–0x3C), the PCI Express device, link and
 * slot control/status dwords, and the AER registers when the bridge has AER.
 */
export function bridgeRegisters(machine: Machine, layout: PhbLayout, bridge: Rid): Array<[number, number]> {
  const offsets: number[] = [];
  for (let off = 0; off < 0x40; off += 4) offsets.push(off);
  const cs = machine.phbState(layout.spec.id).functions[bridge]?.config;
  if (cs) {
    const exp = findCapability(cs, PCI_CAP_ID_EXP);
    if (exp !== 0) offsets.push(exp + PCI_EXP_DEVCTL, exp + PCI_EXP_LNKCTL, exp + PCI_EXP_SLTCTL);
    const aer = aerCapOffset(cs);
    if (aer !== 0) {
      offsets.push(aer + PCI_ERR_UNCOR_STATUS, aer + PCI_ERR_UNCOR_MASK, aer + PCI_ERR_UNCOR_SEVER, aer + PCI_ERR_COR_STATUS, aer + PCI_ERR_CAP);
      for (let i = 0; i < 4; i++) offsets.push(aer + PCI_ERR_HEADER_LOG + 4 * i);
      if (layout.fnByRid.get(bridge)?.kind === "root-port") offsets.push(aer + PCI_ERR_ROOT_STATUS, aer + PCI_ERR_ROOT_ERR_SRC);
    }
  }
  return offsets.map((off): [number, number] => [off, cs ? read32(machine, layout, bridge, off) : ONES32]);
}
