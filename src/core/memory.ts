// Host system memory, as the PHB sees it: TCE tables and DMA targets live here.
// Sparse and immutable: a record of 4 KiB pages keyed by page number; unwritten memory
// reads as zero. Writes go through a draft (see state.ts): the page is copied, so older
// states keep their contents. Accesses are big-endian, naturally aligned, 1..8 bytes.

import { ArgumentError } from "./errors.js";
import type { AccessSize } from "./bits.js";

export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 4096;

export type SystemMemory = { [page: number]: Uint8Array };

export function emptyMemory(): SystemMemory {
  return {};
}

function locate(addr: bigint, size: AccessSize): { page: number; off: number } {
  if (addr < 0n || addr >= 1n << 62n) throw new ArgumentError(`memory address 0x${addr.toString(16)} out of range`, { addr });
  if (addr % BigInt(size) !== 0n) throw new ArgumentError(`unaligned ${size}-byte memory access at 0x${addr.toString(16)}`, { addr, size });
  return { page: Number(addr >> PAGE_SHIFT), off: Number(addr & 0xfffn) };
}

export function memRead(mem: SystemMemory, addr: bigint, size: AccessSize): bigint {
  const { page, off } = locate(addr, size);
  const p = mem[page];
  if (!p) return 0n;
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(p[off + i]!);
  return v;
}

/** Write into a draft of memory (copies the touched page). */
export function memWrite(mem: SystemMemory, addr: bigint, size: AccessSize, value: bigint): void {
  const { page, off } = locate(addr, size);
  const old = mem[page];
  const p = old ? old.slice() : new Uint8Array(PAGE_SIZE);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = size - 1; i >= 0; i--) {
    p[off + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  mem[page] = p;
}
