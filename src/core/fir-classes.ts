// Severity classes of the PBCQ NFIR and the PHB LEM (powernv-opal.md §6.1, §6.2) — defined
// once here because two layers use them and may not import each other: the OPAL firmware
// classifies pending errors with them (platform/powernv), and the interpretation layer
// reads blobs with them (log/interpret).

import { ppcBit } from "./bits.js";

export const PHB3_NFIR_DEAD = 0x018000f800000000n;
export const PHB3_NFIR_FENCED = 0x7e7dc70000000000n;
/** PBCQ NFIR bit 16: AIB fenced (§1.1 "Fence indicator"). */
export const PHB3_NFIR_AIB_FENCED = ppcBit(16);

export const PHB3_LEM_FENCED = 0xadb670c980add151n;
export const PHB3_LEM_ER = 0x000800107f500a2cn;
export const PHB3_LEM_INF = 0x42018e2200002482n;

/** P7IOC PHB-unit LEM classes; class PHB is reported to the OS as a fence (§6.2). */
export const P7IOC_LEM_PHB = 0xadb650cb808dd051n;
export const P7IOC_LEM_ER = 0x0000a0147f50092cn;
export const P7IOC_LEM_INF = 0x52490f2000222682n;

/** PHB4 NFIR bit 16 "PFIR_freeze" (§3.4, phberr.py): the PHB is fenced. */
export const PHB4_NFIR_PFIR_FREEZE = ppcBit(16);

/**
 * skiboot escalates an ER to a fence when LEM bit 60 is set and the root port's AER UE
 * status has Malformed TLP (PHB3 `phb3_eeh_next_error`, §2.3 step 6, §6.1).
 */
export const PHB3_LEM_MALFORMED_ESCALATION_BIT = 60;
