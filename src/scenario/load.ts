// Reading a scenario file: JSON (strict) or YAML, checked against the schema. Every problem
// is one ScenarioError naming the file, the line and column where that can be known, and
// the JSON path: `dma.json:14:18: timeline[2].device: expected string, received number`.

import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import { EehError } from "../core/errors.js";
import { scenarioSchema, type Scenario } from "./schema.js";

/** A scenario that cannot be read or run. `path` is a JSON path ("$" for the whole file). */
export class ScenarioError extends EehError {
  readonly path: string;
  constructor(
    message: string,
    readonly file: string,
    path: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    const where = line !== undefined ? `${file}:${line}${column !== undefined ? `:${column}` : ""}` : file;
    super("BAD_TOPOLOGY", `${where}: ${path === "$" ? "" : `${path}: `}${message}`, { file, path, line, column });
    this.path = path;
  }
}

export type PathSegment = string | number;

/** `timeline[2].device` from ["timeline", 2, "device"]. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string" && /^[A-Za-z_$][\w$]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out || "$";
}

/** Where a JSON path points in the source text (1-based line and column), when it can be found. */
export interface SourceMap {
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
}

function sourceMapOf(text: string): SourceMap {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  return {
    locate(path) {
      // The deepest node that exists along the path (a missing field points at its parent).
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) {
          const p = lines.linePos(node.range[0]);
          return { line: p.line, column: p.col };
        }
      }
      return undefined;
    },
  };
}

function lineColOfOffset(text: string, offset: number): { line: number; column: number } {
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
 * Where JSON.parse gave up, when its message has no position (V8 says only "Unexpected
 * token"): the longest prefix that is still the start of some JSON text ends there. Being
 * a valid prefix is monotone in the length, so a binary search finds it.
 */
function syntaxErrorOffset(text: string): number {
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

/** Parse the text (JSON unless the file name ends in .yaml/.yml or the text is not JSON-shaped). */
export function parseScenarioText(text: string, file: string): { doc: unknown; map: SourceMap } {
  const yamlFile = /\.ya?ml$/i.test(file);
  if (!yamlFile) {
    try {
      return { doc: JSON.parse(text) as unknown, map: sourceMapOf(text) };
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const where = lineColOfOffset(text, m ? Number(m[1]) : syntaxErrorOffset(text));
      const reason = (e as Error).message.replace(/ in JSON at position \d+.*$/, "").replace(/\s*\(line \d+ column \d+\)$/, "");
      throw new ScenarioError(`not valid JSON: ${reason}`, file, "$", where.line, where.column);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const p = lines.linePos(err.pos[0]);
    throw new ScenarioError(`not valid YAML: ${err.message.split("\n")[0]}`, file, "$", p.line, p.col);
  }
  return { doc: doc.toJS() as unknown, map: sourceMapOf(text) };
}

/** The first schema issue as a ScenarioError. */
function issueError(issue: z.core.$ZodIssue, file: string, map: SourceMap | undefined): ScenarioError {
  // For a union that failed on every branch, zod nests the branch issues; the discriminated
  // unions here report the discriminator, which is the useful message already.
  const where = map?.locate(issue.path);
  return new ScenarioError(issue.message, file, jsonPath(issue.path), where?.line, where?.column);
}

/** Check a parsed document against the schema. */
export function validateScenario(doc: unknown, file = "<scenario>", map?: SourceMap): Scenario {
  const r = scenarioSchema.safeParse(doc);
  if (!r.success) throw issueError(r.error.issues[0]!, file, map);
  return r.data;
}

/** Text of a scenario file → a validated Scenario (errors name file:line:column and path). */
export function loadScenario(text: string, file = "<scenario>"): Scenario {
  const { doc, map } = parseScenarioText(text, file);
  return validateScenario(doc, file, map);
}
