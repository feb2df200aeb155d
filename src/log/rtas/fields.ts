// Field encodings shared by the RTAS section codecs: latin-1 text in fixed or NUL-padded
// fields, BCD dates (PH, §3.6), and DecodeErrors positioned at an absolute byte offset.
// Text is latin-1 (one char per byte) so any byte except NUL survives a round trip; a NUL
// ends the text on decode, so the encoder refuses text containing one.

import type { ByteReader } from "../../core/byte-reader.js";
import { ArgumentError, DecodeError } from "../../core/errors.js";
import type { ByteSink } from "./byte-sink.js";
import type { BcdTimestamp } from "./types.js";

/** Round up to a multiple of 4 (section, name and location-code padding). */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** The size of a NUL-terminated text field padded to 4: always at least one NUL. */
export function nulPaddedLength(text: string): number {
  return pad4(text.length + 1);
}

/** Absolute offset of the reader's cursor (sub-readers carry a base). */
export function at(r: ByteReader): number {
  return r.base + r.offset;
}

/** A DecodeError at the reader's cursor, or at `offset` (absolute) when given. */
export function decodeError(r: ByteReader, message: string, context: Record<string, unknown> = {}, offset = at(r)): DecodeError {
  return new DecodeError(message, offset, context);
}

/** Latin-1 text of the next `n` bytes, ending at the first NUL. */
export function readText(r: ByteReader, n: number, what: string): string {
  const b = r.bytesView(n, what);
  let s = "";
  for (const c of b) {
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Two raw characters (section and substructure ids: any byte, NUL included). */
export function readId(r: ByteReader, what: string): string {
  const a = r.u8(what);
  const b = r.u8(what);
  return String.fromCharCode(a, b);
}

export function readChar(r: ByteReader, what: string): string {
  return String.fromCharCode(r.u8(what));
}

function checkLatin1(s: string, what: string, allowNul: boolean): void {
  if (typeof s !== "string") throw new ArgumentError(`${what}: not a string`, { field: what });
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new ArgumentError(`${what}: character ${i} (U+${c.toString(16)}) is not latin-1`, { field: what, text: s });
    if (c === 0 && !allowNul) throw new ArgumentError(`${what}: contains a NUL, which would end the text`, { field: what, text: s });
  }
}

/** Text in exactly `n` bytes, padded with `pad` (NUL by default); refuses longer text. */
export function writeText(w: ByteSink, s: string, n: number, what: string, pad = 0): void {
  checkLatin1(s, what, false);
  if (s.length > n) throw new ArgumentError(`${what}: "${s}" is longer than its ${n}-byte field`, { field: what, text: s });
  for (let i = 0; i < n; i++) w.u8(i < s.length ? s.charCodeAt(i) : pad, what);
}

/** Text NUL-terminated and padded to a multiple of 4; returns the bytes written. */
export function writeNulPadded(w: ByteSink, s: string, what: string): number {
  const n = nulPaddedLength(s);
  writeText(w, s, n, what);
  return n;
}

/** Exactly one character (creator id, callout priority): any latin-1 code, NUL included. */
export function writeChar(w: ByteSink, s: string, what: string): void {
  checkLatin1(s, what, true);
  if (s.length !== 1) throw new ArgumentError(`${what}: expected one character, got "${s}"`, { field: what, text: s });
  w.u8(s.charCodeAt(0), what);
}

/** Raw bytes that must be exactly `n` long (fixed binary fields). */
export function writeExactBytes(w: ByteSink, b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) {
    throw new ArgumentError(`${what}: expected ${n} bytes`, { field: what, length: b instanceof Uint8Array ? b.length : undefined });
  }
  w.raw(b);
}

/** Raw bytes of at most `max` (variable binary fields). */
export function writeBoundedBytes(w: ByteSink, b: Uint8Array, max: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length > max) {
    throw new ArgumentError(`${what}: expected at most ${max} bytes`, { field: what, length: b instanceof Uint8Array ? b.length : undefined });
  }
  w.raw(b);
}

/** Two characters (ids). */
export function writeId(w: ByteSink, s: string, what: string): void {
  checkLatin1(s, what, true);
  if (s.length !== 2) throw new ArgumentError(`${what}: an id is two characters, got "${s}"`, { field: what, text: s });
  w.u8(s.charCodeAt(0), what);
  w.u8(s.charCodeAt(1), what);
}

// ---- BCD (§3.6: year as 2 BCD bytes, then month, day; hour, minute, second, hundredths) ----

function fromBcd(r: ByteReader, byte: number, what: string, offset: number): number {
  const hi = byte >> 4;
  const lo = byte & 0xf;
  if (hi > 9 || lo > 9) throw decodeError(r, `${what}: 0x${byte.toString(16).padStart(2, "0")} is not BCD`, { field: what }, offset);
  return hi * 10 + lo;
}

function toBcd(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new ArgumentError(`${what}: ${v} is not in 0..${max}`, { field: what, value: v });
  return ((Math.floor(v / 10) % 10) << 4) | v % 10;
}

/** 8 bytes: date (YYYY MM DD) then time (HH MM SS hh), all BCD. */
export function readBcdTimestamp(r: ByteReader, what: string): BcdTimestamp {
  const start = at(r);
  const b = r.bytesView(8, what);
  const d = (i: number, name: string) => fromBcd(r, b[i] ?? 0, `${what} ${name}`, start + i);
  return {
    year: d(0, "century") * 100 + d(1, "year"),
    month: d(2, "month"),
    day: d(3, "day"),
    hour: d(4, "hour"),
    minute: d(5, "minute"),
    second: d(6, "second"),
    hundredths: d(7, "hundredths"),
  };
}

export function writeBcdTimestamp(w: ByteSink, t: BcdTimestamp, what: string): void {
  if (!Number.isInteger(t.year) || t.year < 0 || t.year > 9999) {
    throw new ArgumentError(`${what} year: ${t.year} is not in 0..9999`, { field: what, value: t.year });
  }
  w.u8(toBcd(Math.floor(t.year / 100), 99, `${what} year`), what);
  w.u8(toBcd(t.year % 100, 99, `${what} year`), what);
  w.u8(toBcd(t.month, 99, `${what} month`), what);
  w.u8(toBcd(t.day, 99, `${what} day`), what);
  w.u8(toBcd(t.hour, 99, `${what} hour`), what);
  w.u8(toBcd(t.minute, 99, `${what} minute`), what);
  w.u8(toBcd(t.second, 99, `${what} second`), what);
  w.u8(toBcd(t.hundredths, 99, `${what} hundredths`), what);
}

/** A virtual-clock time (ms since the Unix epoch, UTC) as PH's BCD date and time. */
export function bcdTimestampFromMs(ms: number): BcdTimestamp {
  if (!Number.isFinite(ms) || ms < 0) throw new ArgumentError(`timestamp ${ms} ms is not a time`, { value: ms });
  const d = new Date(Math.floor(ms));
  if (d.getUTCFullYear() > 9999) throw new ArgumentError(`timestamp ${ms} ms is past year 9999`, { value: ms });
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    hundredths: Math.floor(d.getUTCMilliseconds() / 10),
  };
}

export const ZERO_BCD_TIMESTAMP: Readonly<BcdTimestamp> = Object.freeze({
  year: 0,
  month: 0,
  day: 0,
  hour: 0,
  minute: 0,
  second: 0,
  hundredths: 0,
});
