// Reading a scenario file: JSON (strict) or YAML, checked against the schema. Every problem
// is one ScenarioError naming the file, the line and column where that can be known, and
// the JSON path: `dma.json:14:18: timeline[2].device: expected string, received number`.

import { LineCounter, parseDocument, isNode } from "yaml";
import type { z } from "zod";
import { EehError } from "../core/errors.js";
import { jsonPath, jsonSyntaxProblem } from "../core/json-text.js";

export { jsonPath };
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

/** Parse the text (JSON unless the file name ends in .yaml/.yml or the text is not JSON-shaped). */
export function parseScenarioText(text: string, file: string): { doc: unknown; map: SourceMap } {
  const yamlFile = /\.ya?ml$/i.test(file);
  if (!yamlFile) {
    try {
      return { doc: JSON.parse(text) as unknown, map: sourceMapOf(text) };
    } catch (e) {
      const p = jsonSyntaxProblem(text, e as Error);
      throw new ScenarioError(`not valid JSON: ${p.reason}`, file, "$", p.line, p.column);
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
  // A field that is not there at all says so, rather than "expected string, received undefined".
  const r = scenarioSchema.safeParse(doc, { error: (iss) => (iss.input === undefined && iss.code === "invalid_type" ? "missing (required)" : undefined) });
  if (!r.success) throw issueError(r.error.issues[0]!, file, map);
  return r.data;
}

/** Text of a scenario file → a validated Scenario (errors name file:line:column and path). */
export function loadScenario(text: string, file = "<scenario>"): Scenario {
  const { doc, map } = parseScenarioText(text, file);
  return validateScenario(doc, file, map);
}
