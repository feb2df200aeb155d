// The PAPR error-injection comparator both PHB models share (powernv-opal.md §5.1, §5.4).
// OPAL_PCI_ERR_INJECT only *arms* CTL/ADDR/MASK; a later transaction whose class and
// direction match CTL and whose address matches ADDR under MASK raises an error in the
// outbound or inbound-A group, which freezes the PE like a real error. The arming stays
// until an OPAL_RESET_PHB_ERROR reset, the next injection, or a complete PHB reset.

import { ppcBit, ppcMask, u64 } from "../core/bits.js";
import type { PhbRegs } from "./phb-state.js";

export const PHB_PAPR_ERR_INJ_CTL_INB = ppcBit(0);
export const PHB_PAPR_ERR_INJ_CTL_OUTB = ppcBit(1);
export const PHB_PAPR_ERR_INJ_CTL_STICKY = ppcBit(2);
export const PHB_PAPR_ERR_INJ_CTL_CFG = ppcBit(3);
export const PHB_PAPR_ERR_INJ_CTL_RD = ppcBit(4);
export const PHB_PAPR_ERR_INJ_CTL_WR = ppcBit(5);
export const PHB_PAPR_ERR_INJ_CTL_FREEZE = ppcBit(6);

/** Address/mask fields (§5.1). */
export const INJ_MMIO_FIELD_PHB3 = ppcMask(16, 63);
export const INJ_MMIO_FIELD_P7IOC = ppcMask(16, 39);
export const INJ_IO_FIELD_P7IOC = ppcMask(16, 47);
export const INJ_DMA_FIELD_P7IOC = ppcMask(60, 63);
export const INJ_FIELD_CFG_BUS = ppcMask(4, 11);
export const INJ_FIELD_CFG_BDFN = ppcMask(4, 19);

// OpalErrinjectType / OpalErrinjectFunc (§2.2)
export const OPAL_ERR_INJECT_TYPE_IOA_BUS_ERR = 0;
export const OPAL_ERR_INJECT_TYPE_IOA_BUS_ERR64 = 1;
export const OPAL_ERR_INJECT_FUNC_IOA_LD_MEM_ADDR = 0;
export const OPAL_ERR_INJECT_FUNC_IOA_LD_MEM_DATA = 1;
export const OPAL_ERR_INJECT_FUNC_IOA_LD_IO_ADDR = 2;
export const OPAL_ERR_INJECT_FUNC_IOA_LD_IO_DATA = 3;
export const OPAL_ERR_INJECT_FUNC_IOA_LD_CFG_ADDR = 4;
export const OPAL_ERR_INJECT_FUNC_IOA_LD_CFG_DATA = 5;
export const OPAL_ERR_INJECT_FUNC_IOA_ST_MEM_ADDR = 6;
export const OPAL_ERR_INJECT_FUNC_IOA_ST_MEM_DATA = 7;
export const OPAL_ERR_INJECT_FUNC_IOA_ST_IO_ADDR = 8;
export const OPAL_ERR_INJECT_FUNC_IOA_ST_IO_DATA = 9;
export const OPAL_ERR_INJECT_FUNC_IOA_ST_CFG_ADDR = 10;
export const OPAL_ERR_INJECT_FUNC_IOA_ST_CFG_DATA = 11;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_RD_ADDR = 12;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_RD_DATA = 13;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_RD_MASTER = 14;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_RD_TARGET = 15;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_WR_ADDR = 16;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_WR_DATA = 17;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_WR_MASTER = 18;
export const OPAL_ERR_INJECT_FUNC_IOA_DMA_WR_TARGET = 19;

export type InjectSpace = "mem" | "io" | "cfg" | "dma";
export type Direction = "read" | "write";

export interface InjectKind {
  readonly space: InjectSpace;
  readonly dir: Direction;
}

/** Map an OpalErrinjectFunc to its address space and direction (ADDR/DATA/MASTER/TARGET alike). */
export function classifyInjectFunc(func: number): InjectKind | undefined {
  if (!Number.isInteger(func)) return undefined;
  if (func === 0 || func === 1) return { space: "mem", dir: "read" };
  if (func === 2 || func === 3) return { space: "io", dir: "read" };
  if (func === 4 || func === 5) return { space: "cfg", dir: "read" };
  if (func === 6 || func === 7) return { space: "mem", dir: "write" };
  if (func === 8 || func === 9) return { space: "io", dir: "write" };
  if (func === 10 || func === 11) return { space: "cfg", dir: "write" };
  if (func >= 12 && func <= 15) return { space: "dma", dir: "read" };
  if (func >= 16 && func <= 19) return { space: "dma", dir: "write" };
  return undefined;
}

/** CTL value for a kind: MMIO load 0x48.., store 0x44.., cfg read 0x18.., write 0x14.., DMA read 0x88.., write 0x84.. */
export function injectCtl(k: InjectKind): bigint {
  const dir = k.dir === "read" ? PHB_PAPR_ERR_INJ_CTL_RD : PHB_PAPR_ERR_INJ_CTL_WR;
  switch (k.space) {
    case "mem":
    case "io":
      return PHB_PAPR_ERR_INJ_CTL_OUTB | dir;
    case "cfg":
      return PHB_PAPR_ERR_INJ_CTL_CFG | dir;
    case "dma":
      return PHB_PAPR_ERR_INJ_CTL_INB | dir;
  }
}

/** skiboot's default mask for a region: ~(lowest set bit of its length − 1). */
export function injectionMask(length: bigint): bigint {
  if (length <= 0n) return u64(~0n);
  const lowest = length & -length;
  return u64(~(lowest - 1n));
}

/** A transaction as the comparator sees it; `key` is the value compared under the mask. */
export interface InjectProbe {
  readonly space: InjectSpace;
  readonly dir: Direction;
  readonly key: bigint;
}

/** Whether the armed injection trips on this transaction. */
export function injectionHits(regs: PhbRegs, probe: InjectProbe): boolean {
  const ctl = regs.injCtl;
  if (ctl === 0n) return false;
  const dirBit = probe.dir === "read" ? PHB_PAPR_ERR_INJ_CTL_RD : PHB_PAPR_ERR_INJ_CTL_WR;
  if (!(ctl & dirBit)) return false;
  const isCfg = (ctl & PHB_PAPR_ERR_INJ_CTL_CFG) !== 0n;
  switch (probe.space) {
    case "cfg":
      if (!isCfg) return false;
      break;
    case "mem":
    case "io":
      if (isCfg || !(ctl & PHB_PAPR_ERR_INJ_CTL_OUTB)) return false;
      break;
    case "dma":
      if (!(ctl & PHB_PAPR_ERR_INJ_CTL_INB)) return false;
      break;
  }
  return (probe.key & regs.injMask) === (regs.injAddr & regs.injMask);
}

export function disarmInjection(regs: PhbRegs): void {
  regs.injCtl = 0n;
  regs.injAddr = 0n;
  regs.injMask = 0n;
}
