// Builders for the interpretation tests: diag structures made from spec semantics, passed
// through the real blob codec (zeroPhbDiag → set fields → encodePhbDiag → decodePhbDiag)
// so every case is a blob a machine could have sent.

import { ppcBit, setField } from "../../../src/core/bits.js";
import { PESTA_LEM_BIT, PESTA_RID, PESTA_TTYPE } from "../../../src/core/pest-layout.js";
import {
  decodePhbDiag,
  encodePhbDiag,
  zeroPhbDiag,
  type P7iocPhbDiagData,
  type Phb3PhbDiagData,
  type Phb4PhbDiagData,
  type PhbDiagData,
  type PhbDiagIoType,
} from "../../../src/log/opal/index.js";
import type { Finding, FindingType, Interpretation } from "../../../src/log/interpret/index.js";

type Fields<T> = Partial<Omit<T, "ioType" | "version" | "pestA" | "pestB">>;
/** PE number → [PESTA, PESTB]. */
export type PestMap = Readonly<Record<number, readonly [bigint, bigint]>>;

function build<T extends PhbDiagData>(ioType: PhbDiagIoType, fields: Fields<T>, pest: PestMap): T {
  const base = zeroPhbDiag(ioType) as unknown as T;
  const pestA = [...base.pestA];
  const pestB = [...base.pestB];
  for (const [pe, [a, b]] of Object.entries(pest)) {
    pestA[Number(pe)] = a;
    pestB[Number(pe)] = b;
  }
  return decodePhbDiag(encodePhbDiag({ ...base, ...fields, pestA, pestB } as T)) as T;
}

export const p7ioc = (fields: Fields<P7iocPhbDiagData> = {}, pest: PestMap = {}): P7iocPhbDiagData => build(1, fields, pest);
export const phb3 = (fields: Fields<Phb3PhbDiagData> = {}, pest: PestMap = {}): Phb3PhbDiagData => build(2, fields, pest);
export const phb4 = (fields: Fields<Phb4PhbDiagData> = {}, pest: PestMap = {}): Phb4PhbDiagData => build(3, fields, pest);

/** IBM bits of a 64-bit word. */
export function bits(...ns: number[]): bigint {
  return ns.reduce((m, n) => m | ppcBit(n), 0n);
}

/** A PESTA word: IBM flag bits plus the ttype / LEM bit / RID fields. */
export function pestA(flagBits: number[], f: { ttype?: number; lem?: number; rid?: number } = {}): bigint {
  let w = bits(...flagBits);
  if (f.ttype !== undefined) w = setField(PESTA_TTYPE, w, f.ttype);
  if (f.lem !== undefined) w = setField(PESTA_LEM_BIT, w, f.lem);
  if (f.rid !== undefined) w = setField(PESTA_RID, w, f.rid);
  return w;
}

export const STOPPED = ppcBit(0);

/** A root port with a trained link (RootSts of §4.8: LnkSta 0x3083, Command 0x0147). */
export const HEALTHY_ROOT = { deviceStatus: 0x0000000f, slotStatus: 0x00400000, linkStatus: 0x30830008, devCmdStatus: 0x00100147 } as const;

export const typesOf = (i: Interpretation): FindingType[] => i.findings.map((f) => f.type);

export function only(i: Interpretation, type: FindingType): Finding {
  const fs = i.findings.filter((f) => f.type === type);
  if (fs.length !== 1) throw new Error(`expected one ${type}, got ${fs.length}: ${i.findings.map((f) => f.summary).join(" | ")}`);
  return fs[0]!;
}
