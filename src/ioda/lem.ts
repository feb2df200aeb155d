// LEM severity classes and PBCQ NFIR classes (powernv-opal.md §6.1, §6.2), used by the
// models to pick an ER-class bit and by the platform layer to classify errors.

export const PHB3_LEM_FENCED = 0xadb670c980add151n;
export const PHB3_LEM_ER = 0x000800107f500a2cn;
export const PHB3_LEM_INF = 0x42018e2200002482n;
export const PHB3_NFIR_DEAD = 0x018000f800000000n;
export const PHB3_NFIR_FENCED = 0x7e7dc70000000000n;
/** PBCQ NFIR bit 16: AIB fenced (PHB3 fence indicator). */
export const PHB3_NFIR_AIB_FENCED = 0x0000800000000000n;

export const P7IOC_LEM_PHB = 0xadb650cb808dd051n;
export const P7IOC_LEM_ER = 0x0000a0147f50092cn;
export const P7IOC_LEM_INF = 0x52490f2000222682n;

/** P7IOC_CHIP_FENCE_SHADOW bit pair for PHB `index` (0..5) of its hub. */
export function p7iocFenceShadowMask(index: number): bigint {
  return 0x0003000000000000n >> BigInt(4 * index);
}
