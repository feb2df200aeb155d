// PHB3 (IODA2) register offsets, IODA table numbers and table-entry fields
// (powernv-opal.md §1.1, §5.1, §8). Bit positions are IBM-numbered.

import { field, ppcBit } from "../../core/bits.js";

export const PHB3_MAX_PE_NUM = 256;
export const PHB3_RESERVED_PE_NUM = 255;

// IODA2 on-chip table numbers (phb3-regs.h)
export const IODA2_TBL_LIST = 1;
export const IODA2_TBL_LXIVT = 2;
export const IODA2_TBL_IVC_CAM = 3;
export const IODA2_TBL_RBA = 4;
export const IODA2_TBL_RCAM = 5;
export const IODA2_TBL_MRT = 6;
export const IODA2_TBL_PESTA = 7;
export const IODA2_TBL_PESTB = 8;
export const IODA2_TBL_TVT = 9;
export const IODA2_TBL_TCAM = 10;
export const IODA2_TBL_TDR = 11;
export const IODA2_TBL_M64BT = 16;
export const IODA2_TBL_M32DT = 17;
export const IODA2_TBL_PEEV = 20;

// In-memory tables
export const RTT_TABLE_ENTRIES = 0x10000; // 64 K RIDs × 2 bytes = RTT_TABLE_SIZE 0x20000
export const RTT_TABLE_SIZE = 0x20000;
export const PELTV_TABLE_SIZE = 0x2000; // 256 rows × 256 bits
export const PEST_TABLE_SIZE = 0x1000; // 256 × 16 bytes

// Registers
export const PHB_DMA_CHAN_STATUS = 0x110;
export const PHB_CPU_LOADSTORE_STATUS = 0x120;
export const PHB_RTT_BAR = 0x168;
export const PHB_PELTV_BAR = 0x188;
export const PHB_PEST_BAR = 0x1a8;
export const PHB_IODA_ADDR = 0x220;
export const PHB_IODA_DATA0 = 0x228;
export const PHB_PAPR_ERR_INJ_CTL = 0x2b0;
export const PHB_PAPR_ERR_INJ_ADDR = 0x2b8;
export const PHB_PAPR_ERR_INJ_MASK = 0x2c0;
export const PHB_ETU_ERR_SUMMARY = 0x2c8;
export const PHB_LEM_FIR_ACCUM = 0xc00;
export const PHB_LEM_ERROR_MASK = 0xc18;
export const PHB_LEM_WOF = 0xc40;

/** PLSSR / CSR: ANY_ERR (27), ANY_ERR1 (28), ANY_FREEZE (29) — §3.2. */
export const PHB_STATUS_ANY_ERR = ppcBit(27);
export const PHB_STATUS_ANY_ERR1 = ppcBit(28);
export const PHB_STATUS_ANY_FREEZE = ppcBit(29);

// M32DT entry: PE number in bits 8..15
export const IODA2_M32DT_PE = field(8, 15);
export const IODA2_M32_SEGMENTS = 256;

// M64BT entry (16 BARs)
export const IODA2_M64BT_ENABLE = ppcBit(0);
export const IODA2_M64BT_SINGLE_PE = ppcBit(1);
export const IODA2_M64BT_BASE = field(2, 31); // 1 MiB units
export const IODA2_M64BT_MASK = field(34, 63); // 1 MiB units
export const IODA2_M64BT_SINGLE_BASE = field(2, 26); // 32 MiB units
export const IODA2_M64BT_PE_HI = field(27, 31);
export const IODA2_M64BT_SINGLE_MASK = field(34, 58); // 32 MiB units
export const IODA2_M64BT_PE_LOW = field(59, 63);
export const IODA2_M64_BARS = 16;
export const IODA2_M64_SEGMENTS = 256;

// TVT entry (512 = 2 per PE; index = PE << 1 | PCI address bit 59)
export const IODA2_TVT_ENTRIES = 512;
export const IODA2_TVT_TABLE_ADDR = field(0, 47); // address >> 12
export const IODA2_TVT_NUM_LEVELS = field(48, 50); // levels − 1
export const IODA2_TVT_TCE_TABLE_SIZE = field(51, 55); // log2(table bytes) − 11
export const IODA2_TVT_IO_PSIZE = field(59, 63); // page shift − 11; 0 = untranslated
/** For an untranslated (bypass) TVE: bit 51 marks it valid, start/end in 16 MiB units. */
export const IODA2_TVT_BYPASS_VALID = ppcBit(51);
export const IODA2_TVT_BYPASS_START = field(0, 23);
export const IODA2_TVT_BYPASS_END = field(24, 47);
export const DMA_TVE_SELECT_BIT = 59n;
