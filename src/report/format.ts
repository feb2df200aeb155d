// Text formats of the report: times the way dmesg prints them, durations for people, hex
// dumps, and JSON laid out for reading. All pure and deterministic (no locale, no clock).

/** Virtual milliseconds as dmesg seconds: `3600.250000`. */
export function formatTime(ms: number): string {
  return (ms / 1000).toFixed(6);
}

function trimmed(x: number, decimals: number): string {
  return String(Number(x.toFixed(decimals)));
}

/** A duration for people: `250 ms`, `1.5 s`, `59 min 58 s`, `1 h 0 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1) return `${trimmed(ms * 1000, 0)} µs`;
  if (ms < 1000) return `${trimmed(ms, 3)} ms`;
  if (ms < 60_000) return `${trimmed(ms / 1000, 3)} s`;
  const totalMs = Math.round(ms);
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const s = (totalMs % 60_000) / 1000;
  const sec = s ? ` ${trimmed(s, 3)} s` : "";
  return h === 0 ? `${m} min${sec}` : `${h} h ${m} min${sec}`;
}

/**
 * `xxd -g 4`-style lines for a hex string (offset, 16 bytes in 4-byte words, ASCII), or
 * undefined when the text is not an even-length hex string.
 */
export function hexDumpLines(hexText: string): string[] | undefined {
  const clean = hexText.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const bytes = Buffer.from(clean, "hex");
  const out: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const words: string[] = [];
    for (let w = 0; w < 16; w += 4) words.push(Buffer.from(row.subarray(w, w + 4)).toString("hex").padEnd(8, " "));
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    out.push(`${off.toString(16).padStart(8, "0")}: ${words.join(" ")}  ${ascii}`);
  }
  return out;
}

const SCALARS_PER_ROW = 8;
const INLINE_WIDTH = 100;

function scalarJson(v: unknown): string {
  if (typeof v === "bigint") return JSON.stringify(`0x${v.toString(16)}`);
  return JSON.stringify(v) ?? "null";
}

/**
 * JSON laid out for reading: one object member per line, arrays of scalars on one line when
 * short and in rows of eight otherwise (a PEST table of 256 words is 32 lines, not 256).
 * Valid JSON, the same text for the same value.
 */
export function readableJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return scalarJson(value);
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((x) => x === null || typeof x !== "object")) {
      const items = value.map(scalarJson);
      const one = `[${items.join(", ")}]`;
      if (indent.length + one.length <= INLINE_WIDTH) return one;
      const rows: string[] = [];
      for (let i = 0; i < items.length; i += SCALARS_PER_ROW) rows.push(inner + items.slice(i, i + SCALARS_PER_ROW).join(", "));
      return `[\n${rows.join(",\n")}\n${indent}]`;
    }
    return `[\n${value.map((x) => inner + readableJson(x, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${readableJson(x, inner)}`).join(",\n")}\n${indent}}`;
}
