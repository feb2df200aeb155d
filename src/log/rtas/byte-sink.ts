// A growing big-endian output buffer for the RTAS encoders. Unlike core's ByteWriter (fixed
// size, values wrap silently) every write checks its value against the field width and
// throws an ArgumentError naming the field, so a structure that cannot be written exactly
// is refused instead of being emitted as a log that decodes to something else.

import { ArgumentError } from "../../core/errors.js";

export class ByteSink {
  private buf = new Uint8Array(64);
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** The bytes written so far (a copy). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  private uint(v: number, bytes: number, what: string): void {
    const max = 2 ** (8 * bytes) - 1;
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new ArgumentError(`${what}: ${String(v)} is not an integer in 0..0x${max.toString(16)}`, { field: what, value: v });
    }
    const at = this.reserve(bytes);
    for (let i = bytes - 1, x = v; i >= 0; i--, x = Math.floor(x / 256)) this.buf[at + i] = x % 256;
  }

  u8(v: number, what: string): void {
    this.uint(v, 1, what);
  }
  u16(v: number, what: string): void {
    this.uint(v, 2, what);
  }
  u32(v: number, what: string): void {
    this.uint(v, 4, what);
  }
  u64(v: bigint, what: string): void {
    if (typeof v !== "bigint" || v < 0n || v > 0xffff_ffff_ffff_ffffn) {
      throw new ArgumentError(`${what}: ${String(v)} is not a u64`, { field: what, value: String(v) });
    }
    this.u32(Number(v >> 32n), what);
    this.u32(Number(v & 0xffff_ffffn), what);
  }

  raw(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }

  zeros(n: number): void {
    this.reserve(n); // fresh bytes are already zero
  }

  /** Overwrite a u16 written earlier (length fields known only after the body). */
  patchU16(at: number, v: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new ArgumentError(`${what}: ${v} does not fit in 16 bits`, { field: what, value: v });
    }
    this.buf[at] = v >> 8;
    this.buf[at + 1] = v & 0xff;
  }

  patchU8(at: number, v: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) {
      throw new ArgumentError(`${what}: ${v} does not fit in 8 bits`, { field: what, value: v });
    }
    this.buf[at] = v;
  }
}
