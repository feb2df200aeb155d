// Where a JSON text is broken, as line and column, for one-line error messages that name
// the place (`scenario.json:4:17: not valid JSON: …`). V8's JSON.parse gives a byte position
// for some errors and none for others ("Unexpected token"); both end up as a line here.

export interface JsonSyntaxProblem {
  /** V8's message without its position suffix. */
  readonly reason: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

/** 1-based line and column of a character offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Where JSON.parse gave up when its message has no position: the longest prefix that is
 * still the start of some JSON text ends there. Being such a prefix is monotone in the
 * length, so a binary search finds it.
 */
function validPrefixLength(text: string): number {
  const validPrefix = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (e) {
      // It failed at its very end (or said so): more text could still make it JSON.
      const msg = (e as Error).message;
      const at = /position (\d+)/.exec(msg);
      return /Unexpected end of JSON input/.test(msg) || (at !== null && Number(at[1]) >= n && !/non-whitespace/.test(msg));
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (validPrefix(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** JSON.parse's error for `text`, placed. */
export function jsonSyntaxProblem(text: string, error: Error): JsonSyntaxProblem {
  const m = /position (\d+)/.exec(error.message);
  const where = lineColumnOf(text, m ? Number(m[1]) : validPrefixLength(text));
  const reason = error.message.replace(/ in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
  return { reason, ...where };
}

/** `timeline[2].device` from ["timeline", 2, "device"]; "$" for the whole document. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string" && /^[A-Za-z_$][\w$]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out || "$";
}
