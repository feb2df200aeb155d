// Plain JSON for output (CLI --json, timeline.json): bigints as "0x…" strings, byte arrays as hex.
export function toJsonValue(v: unknown): unknown {
  if (typeof v === "bigint") return `0x${v.toString(16)}`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

export function jsonLine(v: unknown): string {
  return JSON.stringify(toJsonValue(v));
}
