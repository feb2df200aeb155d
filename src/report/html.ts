// Small helpers for writing HTML text: every string that comes from a timeline document
// (scenario names, log lines, device names…) goes through `esc` before it reaches the page.

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escape text for an HTML text node or a quoted attribute value. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A coordinate with at most one decimal, the same text for the same number. */
export function px(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}

/** The id Linux prints for a PE number: `fd`, `1f4`. */
export function hex(n: number): string {
  return n.toString(16);
}
