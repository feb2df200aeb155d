// The PE handle every RTAS EEH call starts with (pseries-rtas.md §4.1, §4.3): a config
// address (Linux `rtas_config_addr(bus, devfn, reg)` = ((reg & 0xF00) << 20) | (bus << 16)
// | (devfn << 8) | (reg & 0xFF)) and the PHB's BUID split into high and low 32-bit words.
//
// BUID (emulator choice; the spec gives none but the sample's 0x800000020000003, §3.10 and
// its register-dump handle 0x20000003): a PHB's BUID is 0x800000020000000 + its OPAL PHB id,
// so BUID_HI = 0x08000000 and BUID_LO = 0x20000000 + id, the shape real pSeries PHBs have.

import type { Rid } from "../../pci/address.js";

export const PSERIES_BUID_BASE = 0x800000020000000n;

/** Linux rtas_config_addr(bus, devfn, reg). */
export function rtasConfigAddr(bus: number, devfn: number, reg = 0): number {
  return (((reg & 0xf00) << 20) | ((bus & 0xff) << 16) | ((devfn & 0xff) << 8) | (reg & 0xff)) >>> 0;
}

/** The config address of a RID with register 0 (what Linux passes in the PE handle). */
export function configAddrOfRid(rid: Rid): number {
  return rtasConfigAddr(rid >> 8, rid & 0xff);
}

/**
 * The RID a config address names. The register bits are ignored: the EEH calls name a
 * function (or its PE), never a register, and Linux always passes register 0.
 */
export function ridOfConfigAddr(configAddr: number): Rid {
  return (configAddr >>> 8) & 0xffff;
}

export function buidOfPhb(phbId: number): bigint {
  return PSERIES_BUID_BASE + BigInt(phbId);
}

export function buidHi(buid: bigint): number {
  return Number((buid >> 32n) & 0xffff_ffffn);
}

export function buidLo(buid: bigint): number {
  return Number(buid & 0xffff_ffffn);
}

export function buidFromWords(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** True for an integer an RTAS argument cell can hold (0..2^32 − 1). */
export function isCell(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}
