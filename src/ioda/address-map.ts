// Where the platform puts each PHB's windows in CPU (real) address space. Real POWER
// machines derive these from the chip and PHB index; the emulator gives every PHB id a
// 1 TiB aperture, by its position ("slot") in the machine description, so that routing an
// address to its PHB is one shift (O(1) in the number of PHBs, DESIGN.md "cost never grows
// with the machine"). OPAL PHB ids themselves are not constrained by this map.
//
//   aperture(slot)          = APERTURE_BASE + slot * 2^40
//   M32 window (CPU)        = aperture + 0, 2 GiB, maps PCI 0x8000_0000.. (powernv-opal §1.1)
//   IO window (IODA1 only)  = aperture + 2^38, 8 MiB (PHB_IO_SIZE), 64 KiB segments
//   M64 window (CPU = PCI)  = aperture + 2^39, one segment per PE (segment i → PE i)

export const APERTURE_BASE = 0x2000_0000_0000n;
export const APERTURE_SHIFT = 40n;
/** Apertures end below 2^53 so BAR values stay exact JavaScript numbers. */
export const MAX_PHBS = 4096;

export const M32_PCI_BASE = 0x8000_0000n;
export const M32_WINDOW_SIZE = 0x8000_0000n; // 2 GiB
/** The top 64 KiB of the 32-bit space is the MSI window; Linux's M32 resource stops below it. */
export const M32_USABLE_SIZE = M32_WINDOW_SIZE - 0x1_0000n;
export const IO_WINDOW_OFFSET = 1n << 38n;
export const IO_WINDOW_SIZE = 0x80_0000n; // 8 MiB
export const M64_WINDOW_OFFSET = 1n << 39n;
/** Each PE's M64 segment: 256 MiB, so a 256-PE PHB3 window is 64 GiB. */
export const M64_SEGMENT_SIZE = 0x1000_0000n;

/** The 32-bit DMA window every PE gets (TVE#0 on IODA2; 256 MiB segments on IODA1). */
export const DMA32_WINDOW_SIZE = 0x8000_0000n;
/** 64-bit bypass: PCI address bit 59 selects TVE#1 on IODA2 (Linux `tce_bypass_base`). */
export const DMA_BYPASS_BASE = 1n << 59n;
/** Top of host RAM the bypass window covers. */
export const HOST_RAM_TOP = 1n << 40n;
/** Where TCE tables are placed in host memory: 4 MiB per PE slot. */
export const TCE_REGION_BASE = 0x1000_0000_0000n;
export const TCE_TABLE_STRIDE = 0x40_0000n;

export function apertureBase(slot: number): bigint {
  return APERTURE_BASE + (BigInt(slot) << APERTURE_SHIFT);
}

export function m32CpuBase(slot: number): bigint {
  return apertureBase(slot);
}

export function ioCpuBase(slot: number): bigint {
  return apertureBase(slot) + IO_WINDOW_OFFSET;
}

export function m64Base(slot: number): bigint {
  return apertureBase(slot) + M64_WINDOW_OFFSET;
}

/** The PHB slot whose aperture holds `cpuAddr`, or undefined outside every aperture. */
export function phbSlotForCpuAddress(cpuAddr: bigint): number | undefined {
  if (cpuAddr < APERTURE_BASE) return undefined;
  const slot = Number((cpuAddr - APERTURE_BASE) >> APERTURE_SHIFT);
  return slot < MAX_PHBS ? slot : undefined;
}

/** Host address of the TCE table of PE `pe` of the PHB in `slot`. */
export function tceTableAddress(slot: number, pe: number): bigint {
  return TCE_REGION_BASE + BigInt(slot * 512 + pe) * TCE_TABLE_STRIDE;
}
