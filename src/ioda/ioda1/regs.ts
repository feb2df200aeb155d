// P7IOC (IODA1) table numbers and entry fields (powernv-opal.md §1.1, §5.3).
// Bit positions are IBM-numbered.

import { field, ppcBit } from "../../core/bits.js";

export const P7IOC_NUM_PES = 128;
export const P7IOC_RESERVED_PE = 127;
export const P7IOC_NUM_PHBS = 6; // PHBs per hub

// IODA1 on-chip table numbers (p7ioc-regs.h)
export const IODA_TBL_HRT = 0;
export const IODA_TBL_LIST = 1;
export const IODA_TBL_LXIVT = 2;
export const IODA_TBL_MIST = 3;
export const IODA_TBL_MXIVT = 4;
export const IODA_TBL_MVT = 5;
export const IODA_TBL_PELTM = 6;
export const IODA_TBL_PESTA = 7;
export const IODA_TBL_PESTB = 8;
export const IODA_TBL_TVT = 9;
export const IODA_TBL_TCAM = 10;
export const IODA_TBL_TDR = 11;
export const IODA_TBL_PELTV = 12;
export const IODA_TBL_M64BT = 16;
export const IODA_TBL_IODT = 17;
export const IODA_TBL_M32DT = 18;
export const IODA_TBL_M64DT = 19;
export const IODA_TBL_PEEV = 20;

// PELT-M entry: a CAM entry per PE
export const IODA_PELTM_BUS = field(0, 7);
export const IODA_PELTM_DEV = field(8, 12);
export const IODA_PELTM_FUNC = field(13, 15);
export const IODA_PELTM_BUS_VALID = field(16, 18); // OpalPciBusCompare
export const IODA_PELTM_DEV_VALID = ppcBit(19);
export const IODA_PELTM_FUNC_VALID = ppcBit(20);
/** Reset value of entries 0..126: RID 00:00.1 with every compare on, i.e. effectively unused. */
export const IODA_PELTM_DEFAULT = 0x0001f80000000000n;

// M32DT / IODT / M64DT entries: PE number in bits 0..6
export const IODA_XXDT_PE = field(0, 6);
export const IODA_M32_SEGMENTS = 128; // 16 MiB over the 2 GiB window
export const IODA_IO_SEGMENTS = 128; // 64 KiB over the 8 MiB IO window

// M64BT: 16 BARs, base/mask in 16 MiB units, 8 segments each mapped through M64DT
export const IODA_M64BT_ENABLE = ppcBit(0);
export const IODA_M64BT_BASE = field(8, 31);
export const IODA_M64BT_MASK = field(40, 63);
export const IODA_M64_BARS = 16;
export const IODA_M64_SEGS_PER_BAR = 8;

// TVT: 128 entries of two dwords
export const IODA_TVT_ENTRIES = 128;
export const IODA_TVT0_TTA = field(0, 47); // table address >> 12
export const IODA_TVT0_BUSNUM_VALID = field(48, 50); // bus compare
export const IODA_TVT0_TCE_TABLE_SIZE = field(51, 55); // log2(window) − 26
export const IODA_TVT0_BUSNUM = field(56, 63);
export const IODA_TVT1_DEVNUM_VALID = ppcBit(2);
export const IODA_TVT1_DEVNUM = field(3, 7);
export const IODA_TVT1_HUB_NUM = field(10, 11);
export const IODA_TVT1_FUNCNUM_VALID = ppcBit(12);
export const IODA_TVT1_FUNCNUM = field(13, 15);
export const IODA_TVT1_IO_PSIZE = field(19, 23); // page shift − 11 (emulator assumption, as PHB3)
export const IODA_TVT1_PE_NUM = field(57, 63);

/** Linux IODA1 DMA: 256 MiB DMA32 segments, one TVE each, 8 of them below the M32 window. */
export const PNV_IODA1_DMA32_SEGSIZE = 0x1000_0000n;
export const IODA1_DMA32_SEGMENTS = 8;
