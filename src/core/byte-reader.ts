// One bounds-checked cursor for every binary decoder (STYLE.md, "librtasevent — what not
// to copy"): each read checks the remaining length first and throws a DecodeError naming
// the offset, so a decoder never reads past the end and never allocates more than its input.
// All multi-byte reads are big-endian, as both OPAL diag data and RTAS logs are.

import { DecodeError } from "./errors.js";

export class ByteReader {
  private view: DataView;
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** Offset added to error positions, for a reader over a slice of a larger buffer. */
    readonly base = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  remaining(): number {
    return this.bytes.byteLength - this.pos;
  }

  /** Throw unless `n` more bytes are available; `what` names the field for the message. */
  need(n: number, what = "field"): void {
    if (!Number.isInteger(n) || n < 0 || this.pos + n > this.bytes.byteLength) {
      throw new DecodeError(
        `truncated input: ${what} needs ${n} bytes, ${Math.max(0, this.remaining())} left`,
        this.base + this.pos,
        { what, needed: n, available: this.remaining() },
      );
    }
  }

  seek(offset: number, what = "seek"): void {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.bytes.byteLength) {
      throw new DecodeError(`${what} to offset ${offset} is outside the ${this.bytes.byteLength}-byte input`, this.base + this.pos, { what, target: offset });
    }
    this.pos = offset;
  }

  skip(n: number, what = "padding"): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what = "u8"): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what = "u16"): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  u32(what = "u32"): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  u64(what = "u64"): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A copy of the next `n` bytes. */
  bytesCopy(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytesView(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** `n` bytes as ASCII, stopping at the first NUL. */
  ascii(n: number, what = "text"): string {
    const b = this.bytesView(n, what);
    let s = "";
    for (const c of b) {
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  /** A reader over the next `n` bytes (positions in its errors stay absolute). */
  sub(n: number, what = "section"): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.bytes.subarray(this.pos, this.pos + n), 0, this.base + this.pos);
    this.pos += n;
    return r;
  }
}

/** The mirror of ByteReader for encoders: a fixed-size big-endian buffer. */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  get offset(): number {
    return this.pos;
  }

  seek(offset: number): void {
    if (offset < 0 || offset > this.bytes.byteLength) throw new RangeError(`ByteWriter: seek to ${offset} outside ${this.bytes.byteLength}`);
    this.pos = offset;
  }

  u8(v: number): void {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }
  u16(v: number): void {
    this.view.setUint16(this.pos, v, false);
    this.pos += 2;
  }
  u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, false);
    this.pos += 4;
  }
  u64(v: bigint): void {
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), false);
    this.pos += 8;
  }
  bytes_(b: Uint8Array): void {
    this.bytes.set(b, this.pos);
    this.pos += b.byteLength;
  }
  /** ASCII text padded with NULs (or cut) to exactly n bytes. */
  ascii(s: string, n: number): void {
    for (let i = 0; i < n; i++) this.u8(i < s.length ? s.charCodeAt(i) & 0x7f : 0);
  }
  zeros(n: number): void {
    this.pos += n;
  }
}
