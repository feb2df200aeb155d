// IBM (PowerPC) bit numbering on 64-bit registers, as the IODA specs and skiboot use it:
// "bit n" is 1 << (63 - n); a field "bits a..b" is stored so that its last bit b lands
// at 1 << (63 - b) (powernv-opal.md, preamble).

const U64 = (1n << 64n) - 1n;

/** PPC_BIT(n): the mask of IBM bit n of a 64-bit register. */
export function ppcBit(n: number): bigint {
  checkBit(n);
  return 1n << BigInt(63 - n);
}

/** PPC_BITMASK(a, b): IBM bits a..b inclusive. */
export function ppcMask(a: number, b: number): bigint {
  checkBit(a);
  checkBit(b);
  if (a > b) throw new RangeError(`ppcMask: first bit ${a} after last bit ${b}`);
  const width = BigInt(b - a + 1);
  return ((1n << width) - 1n) << BigInt(63 - b);
}

/** A named field of a 64-bit register, in IBM numbering. */
export interface BitField {
  readonly first: number;
  readonly last: number;
}

export function field(first: number, last: number): BitField {
  ppcMask(first, last); // validates
  return { first, last };
}

/** GETFIELD: the value of `f` in `word`, shifted down. */
export function getField(f: BitField, word: bigint): bigint {
  return (word & ppcMask(f.first, f.last)) >> BigInt(63 - f.last);
}

/** GETFIELD as a JS number (fields of at most 53 bits). */
export function getFieldNum(f: BitField, word: bigint): number {
  return Number(getField(f, word));
}

/** SETFIELD: `word` with field `f` replaced by `value` (throws if value does not fit). */
export function setField(f: BitField, word: bigint, value: bigint | number): bigint {
  const v = BigInt(value);
  const width = BigInt(f.last - f.first + 1);
  if (v < 0n || v >= 1n << width) {
    throw new RangeError(`setField: value 0x${v.toString(16)} does not fit bits ${f.first}..${f.last}`);
  }
  const mask = ppcMask(f.first, f.last);
  return ((word & ~mask) | (v << BigInt(63 - f.last))) & U64;
}

/** True when IBM bit n is set in word. */
export function testBit(word: bigint, n: number): boolean {
  return (word & ppcBit(n)) !== 0n;
}

/** IBM bit numbers set in `word`, lowest IBM number (most significant) first. */
export function setBits(word: bigint): number[] {
  const out: number[] = [];
  for (let n = 0; n < 64; n++) if (word & (1n << BigInt(63 - n))) out.push(n);
  return out;
}

/** Truncate to an unsigned 64-bit value. */
export function u64(v: bigint): bigint {
  return v & U64;
}

export const U64_MAX = U64;

/** All-ones of an access width in bytes (1, 2, 4 or 8). */
export function allOnes(size: AccessSize): bigint {
  return (1n << BigInt(size * 8)) - 1n;
}

export type AccessSize = 1 | 2 | 4 | 8;

export function isAccessSize(n: number): n is AccessSize {
  return n === 1 || n === 2 || n === 4 || n === 8;
}

export function hex(v: bigint | number, width = 0): string {
  return v.toString(16).padStart(width, "0");
}

function checkBit(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 63) throw new RangeError(`IBM bit number ${n} outside 0..63`);
}
