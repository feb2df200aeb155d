// LEM severity classes and PBCQ NFIR classes (powernv-opal.md §6.1, §6.2; defined in
// core/fir-classes.ts), and P7IOC's chip fence shadow bits.

export {
  PHB3_LEM_FENCED,
  PHB3_LEM_ER,
  PHB3_LEM_INF,
  PHB3_NFIR_DEAD,
  PHB3_NFIR_FENCED,
  PHB3_NFIR_AIB_FENCED,
  P7IOC_LEM_PHB,
  P7IOC_LEM_ER,
  P7IOC_LEM_INF,
} from "../core/fir-classes.js";

/** P7IOC_CHIP_FENCE_SHADOW bit pair for PHB `index` (0..5) of its hub. */
export function p7iocFenceShadowMask(index: number): bigint {
  return 0x0003000000000000n >> BigInt(4 * index);
}
