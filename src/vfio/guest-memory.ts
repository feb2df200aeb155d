// A guest's physical memory, as far as RTAS buffers need it (pseries-rtas.md §4.5: the
// ibm,errinjct work area is named by its guest physical address): sparse 4 KiB pages,
// zero where never written, allocated only when written.

import { ArgumentError } from "../core/errors.js";

const PAGE = 4096;

export class GuestMemory {
  private readonly pages = new Map<number, Uint8Array>();

  private check(addr: number, length: number): void {
    if (!Number.isInteger(addr) || addr < 0 || !Number.isInteger(length) || length < 0 || addr + length > 2 ** 32) {
      throw new ArgumentError(`guest memory access 0x${addr.toString(16)}+${length} is outside the 32-bit RTAS address space`, { addr, length });
    }
  }

  write(addr: number, bytes: Uint8Array): void {
    this.check(addr, bytes.length);
    for (let i = 0; i < bytes.length; ) {
      const a = addr + i;
      const n = Math.floor(a / PAGE);
      let page = this.pages.get(n);
      if (!page) this.pages.set(n, (page = new Uint8Array(PAGE)));
      const off = a % PAGE;
      const len = Math.min(PAGE - off, bytes.length - i);
      page.set(bytes.subarray(i, i + len), off);
      i += len;
    }
  }

  read(addr: number, length: number): Uint8Array {
    this.check(addr, length);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const a = addr + i;
      const off = a % PAGE;
      const len = Math.min(PAGE - off, length - i);
      const page = this.pages.get(Math.floor(a / PAGE));
      if (page) out.set(page.subarray(off, off + len), i);
      i += len;
    }
    return out;
  }
}
