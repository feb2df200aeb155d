// RTAS logs as text (§4.2, §5): the kernel's rtasmsgs=1 output and rtas_errd's
// /var/log/platform ("RTAS: <seq> -------- RTAS event begin --------", "RTAS <n>: xxxxxxxx …",
// "… end ----------"), with syslog/dmesg prefixes in front of each line; or plain hex dumps
// (optionally with "offset:" prefixes as xxd writes them, or `hexdump -C` lines). Several
// events decode in order.
//
// Stricter than rtas_errd's debug reader (which converts any hex pairs it meets): line numbers
// must run 0, 1, 2… inside an event, every line but the last must carry 16 bytes, markers must
// pair up — so a line lost from a syslog is an error naming that line, not a shifted log.

import { DecodeError } from "../../core/errors.js";
import { decodeRtasLog } from "./codec.js";
import type { RtasErrorLog } from "./types.js";

export interface RtasTextEvent {
  /** Sequence number of the begin/end markers; undefined for marker-less lines and plain dumps. */
  sequence?: number;
  /** 1-based line where the event starts. */
  line: number;
  bytes: Uint8Array;
}

/** Where each text line's bytes start in its event, to turn a byte offset into a line. */
interface Placed extends RtasTextEvent {
  lineStarts: Array<{ line: number; offset: number }>;
}

const BEGIN = /RTAS:\s*(-?\d+)\s*-+\s*RTAS event begin/;
const END = /RTAS:\s*(-?\d+)\s*-+\s*RTAS event end/;
// "RTAS <n>:" after a syslog/dmesg prefix (not "RTAS:", the marker/summary lines).
const HEX_LINE = /(?:^|[^\w-])RTAS (\d+):(.*)$/;
const BYTES_PER_LINE = 16;

class Collector {
  readonly bytes: number[] = [];
  readonly lineStarts: Array<{ line: number; offset: number }> = [];
  nextIndex = 0;
  shortLine: number | undefined;
  constructor(
    readonly line: number,
    readonly marked: boolean,
    readonly sequence?: number,
  ) {}
  finish(): Placed {
    return {
      ...(this.sequence !== undefined ? { sequence: this.sequence } : {}),
      line: this.line,
      bytes: Uint8Array.from(this.bytes),
      lineStarts: this.lineStarts,
    };
  }
}

function textError(message: string, line: number, charOffset: number, context: Record<string, unknown> = {}): DecodeError {
  return new DecodeError(message, charOffset, { ...context }, line);
}

/** Hex tokens ("064400e0", "0x06", "ae") appended to `into`; returns how many bytes they held. */
function hexTokens(tokens: readonly string[], line: number, charOffset: number, into: number[]): number {
  let n = 0;
  for (const token of tokens) {
    const t = token.startsWith("0x") || token.startsWith("0X") ? token.slice(2) : token;
    if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(t)) {
      throw textError(`"${token.slice(0, 40)}" is not a group of hex byte pairs`, line, charOffset, { token: token.slice(0, 40) });
    }
    for (let i = 0; i < t.length; i += 2) {
      into.push(parseInt(t.slice(i, i + 2), 16));
      n++;
    }
  }
  return n;
}

function splitLines(text: string): { lines: string[]; starts: number[] } {
  const lines = text.split("\n");
  const starts: number[] = [];
  let pos = 0;
  for (const l of lines) {
    starts.push(pos);
    pos += l.length + 1;
  }
  return { lines: lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l)), starts };
}

/** Kernel / rtas_errd shapes. Lines without "RTAS" (syslog noise, ppc64-diag notes) are skipped. */
function readMarked(lines: string[], starts: number[]): Placed[] {
  const events: Placed[] = [];
  let cur: Collector | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const n = i + 1;
    const pos = starts[i] ?? 0;
    if (!text.includes("RTAS") || text.includes("ppc64-diag:")) continue;
    let m: RegExpExecArray | null;
    if ((m = BEGIN.exec(text))) {
      const seq = Number(m[1]);
      if (cur?.marked) throw textError(`RTAS event ${seq} begins inside event ${cur.sequence} (line ${cur.line}) that has no end marker`, n, pos, { sequence: seq });
      if (cur) events.push(cur.finish());
      cur = new Collector(n, true, seq);
    } else if ((m = END.exec(text))) {
      const seq = Number(m[1]);
      if (!cur?.marked) throw textError(`end marker of RTAS event ${seq} without a begin marker`, n, pos, { sequence: seq });
      if (seq !== cur.sequence) throw textError(`end marker of RTAS event ${seq} closes event ${cur.sequence} (line ${cur.line})`, n, pos, { sequence: seq });
      events.push(cur.finish());
      cur = undefined;
    } else if ((m = HEX_LINE.exec(text))) {
      const index = Number(m[1]);
      const payload = m[2] ?? "";
      const col = pos + (m.index ?? 0);
      if (!cur || (!cur.marked && index === 0 && cur.nextIndex > 0)) {
        if (cur) events.push(cur.finish());
        if (index !== 0) throw textError(`"RTAS ${index}:" line outside an event (no begin marker or "RTAS 0:" line before it)`, n, col, { index });
        cur = new Collector(n, false);
      }
      if (index !== cur.nextIndex) throw textError(`expected "RTAS ${cur.nextIndex}:", found "RTAS ${index}:" (a line is missing or repeated)`, n, col, { index });
      if (cur.shortLine !== undefined) throw textError(`line ${cur.shortLine} has fewer than 16 bytes but is not the last line of the event`, n, col);
      const offset = cur.bytes.length;
      const count = hexTokens(payload.trim().split(/\s+/).filter((t) => t.length > 0), n, col, cur.bytes);
      if (count > BYTES_PER_LINE) throw textError(`"RTAS ${index}:" line carries ${count} bytes, more than 16`, n, col, { count });
      if (count < BYTES_PER_LINE) cur.shortLine = n;
      cur.lineStarts.push({ line: n, offset });
      cur.nextIndex++;
    }
    // Anything else with "RTAS" in it ("RTAS: event: 5, Type: …", rtas_errd's scanlog line) is not data.
  }
  if (cur?.marked) throw textError(`RTAS event ${cur.sequence} has no end marker`, cur.line, starts[cur.line - 1] ?? 0, { sequence: cur.sequence });
  if (cur) events.push(cur.finish());
  return events;
}

/** A plain dump line split into its offset token (if any) and its hex tokens. */
interface PlainLine {
  offsetToken?: string;
  tokens: string[];
  /** `hexdump -C` shape (offset, bytes, |ascii|). */
  hexdump: boolean;
}

function splitPlainLine(text: string): PlainLine {
  // `hexdump -C`: "00000000  06 44 00 e0 …  |.D......|"
  const ascii = /\s\|.*\|\s*$/.exec(text);
  if (ascii) {
    const tokens = text.slice(0, ascii.index).trim().split(/\s+/);
    const offsetToken = tokens.shift();
    return { ...(offsetToken !== undefined ? { offsetToken } : {}), tokens, hexdump: true };
  }
  const m = /^\s*(\S+):(.*)$/.exec(text);
  if (!m) return { tokens: text.trim().split(/\s+/), hexdump: false };
  // "offset: hex…" (xxd, the kernel's print_hex_dump): an ASCII column may follow the hex
  // after two or more spaces, and may itself hold spaces, so only the first run is hex.
  const hex = (m[2] ?? "").trim().split(/\s{2,}/)[0] ?? "";
  return { offsetToken: m[1] ?? "", tokens: hex.split(/\s+/).filter((t) => t.length > 0), hexdump: false };
}

/**
 * Plain hex dumps: blank lines (or an offset going back to 0) separate events; '#' starts a
 * comment. A line may start with an "offset:" token (xxd's ASCII column is dropped), or be a
 * `hexdump -C` line; offsets must follow on from the bytes before them.
 */
function readPlain(lines: string[], starts: number[]): Placed[] {
  const events: Placed[] = [];
  let cur: Collector | undefined;
  let hexdump = false;
  const flush = () => {
    if (cur && cur.bytes.length > 0) events.push(cur.finish());
    cur = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const pos = starts[i] ?? 0;
    const text = (lines[i] ?? "").replace(/#.*$/, "");
    if (text.trim() === "") {
      flush();
      continue;
    }
    const line = splitPlainLine(text);
    // hexdump -C ends with a line holding only the total length.
    if (!line.offsetToken && hexdump && line.tokens.length === 1 && parseHex(line.tokens[0] ?? "") === cur?.bytes.length) continue;
    if (line.offsetToken !== undefined) {
      const offset = parseHex(line.offsetToken);
      if (offset === undefined) throw textError(`"${line.offsetToken.slice(0, 40)}" is not a hex offset`, n, pos);
      if (offset === 0) flush();
      const have = cur?.bytes.length ?? 0;
      if (offset !== have) throw textError(`offset 0x${offset.toString(16)} does not follow the 0x${have.toString(16)} bytes before it`, n, pos, { offset, have });
    }
    if (!cur) {
      cur = new Collector(n, false);
      hexdump = line.hexdump;
    }
    const offset = cur.bytes.length;
    hexTokens(line.tokens, n, pos, cur.bytes);
    cur.lineStarts.push({ line: n, offset });
  }
  flush();
  return events;
}

function parseHex(token: string): number | undefined {
  const t = token.startsWith("0x") || token.startsWith("0X") ? token.slice(2) : token;
  return /^[0-9a-fA-F]{1,8}$/.test(t) ? parseInt(t, 16) : undefined;
}

function readPlaced(text: string): Placed[] {
  if (typeof text !== "string") throw new DecodeError("input is not text", 0, {}, 1);
  const { lines, starts } = splitLines(text);
  const marked = lines.some((l) => BEGIN.test(l) || END.test(l) || HEX_LINE.test(l));
  return marked ? readMarked(lines, starts) : readPlain(lines, starts);
}

/** The byte blobs of every RTAS event in the text, in order (not decoded). */
export function readRtasTextEvents(text: string): RtasTextEvent[] {
  return readPlaced(text).map(({ lineStarts: _, ...event }) => event);
}

/**
 * Decode every RTAS log in the text, in order. Errors are DecodeErrors with the 1-based line
 * (for a log that does not decode: the line holding the failing byte, and `offset` that
 * byte's offset in the log; for bad text, `offset` is the character offset in the text).
 */
export function decodeRtasText(text: string): RtasErrorLog[] {
  return readPlaced(text).map((event) => {
    try {
      return decodeRtasLog(event.bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      let line = event.line;
      for (const s of event.lineStarts) if (s.offset <= e.offset) line = s.line;
      const which = event.sequence !== undefined ? `RTAS event ${event.sequence}` : `RTAS log at line ${event.line}`;
      throw new DecodeError(`${which}: ${e.message}`, e.offset, { ...e.context, eventLine: event.line }, line);
    }
  });
}
