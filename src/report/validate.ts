// Reading a Timeline document back (`DIR/timeline.json` of `eeh-emu run --out DIR`): JSON
// text → checked shape → Timeline. Every problem is one TimelineError naming the file, the
// line and column for JSON syntax errors, and the JSON path for shape errors:
// `run1/timeline.json: events[3].kind: expected one of "action", "hardware", …`.
// The shape is checked with zod; cross-references (a state's PE, an event's log) after.

import { z } from "zod";
import { jsonPath, jsonSyntaxProblem } from "../core/json-text.js";
import { EehError } from "../core/errors.js";
import { PE_LANE_STATES, TIMELINE_VERSION, type PlatformLogKind, type Timeline } from "../scenario/timeline.js";
import { EVENT_KINDS } from "./palette.js";

/** A timeline document that cannot be read. `path` is a JSON path ("$" for the whole document). */
export class TimelineError extends EehError {
  readonly file: string;
  readonly path: string;
  constructor(message: string, file: string, path: string, line?: number, column?: number) {
    const where = line !== undefined ? `${file}:${line}${column !== undefined ? `:${column}` : ""}` : file;
    super("DECODE", `${where}: ${path === "$" ? "" : `${path}: `}${message}`, { file, path, ...(line !== undefined ? { line, column } : {}) });
    this.file = file;
    this.path = path;
  }
}

const PLATFORM_LOG_KINDS: readonly PlatformLogKind[] = ["opal-diag", "rtas", "eehi"];

const time = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();
const text = z.string();

const timelineSchema = z.object({
  version: z.literal(TIMELINE_VERSION),
  scenario: z.object({
    name: text,
    description: text.optional(),
    platform: z.enum(["powernv", "pseries", "compare"]),
    seed: z.number().finite(),
  }),
  phbs: z.array(z.object({ id: count, model: text, chip: text, numPes: count })),
  guests: z.array(z.object({ name: text, hypervisor: text, outcome: text.optional() })),
  pes: z.array(z.object({ id: text, phb: count, pe: count, type: z.array(text), devices: z.array(text), owner: text.optional() })),
  states: z.array(z.object({ pe: text, from: time, to: time, state: z.enum(PE_LANE_STATES as [string, ...string[]]) })),
  events: z.array(
    z.object({
      t: time,
      seq: z.number().finite(),
      kind: z.enum(EVENT_KINDS as [string, ...string[]]),
      text,
      pe: text.optional(),
      guest: text.optional(),
      log: count.optional(),
      ok: z.boolean().optional(),
    }),
  ),
  lines: z.array(z.object({ t: time, source: text, level: text, line: text })),
  logs: z.array(
    z.object({
      index: count,
      t: time,
      kind: z.enum(PLATFORM_LOG_KINDS as [string, ...string[]]),
      source: text,
      pe: text.optional(),
      domain: count.optional(),
      file: text,
      size: count,
      hex: text,
      headline: text,
      decoded: z.unknown(),
      interpretation: z.unknown(),
    }),
  ),
  expectations: z.array(z.object({ path: text, description: text, ok: z.boolean(), detail: text })),
  endTime: time,
  ok: z.boolean(),
});

/** Check a parsed document; throws TimelineError naming `file` and the JSON path of the first problem. */
export function timelineFromJson(doc: unknown, file = "<timeline>"): Timeline {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new TimelineError("expected a timeline document (a JSON object)", file, "$");
  const version = (doc as { version?: unknown }).version;
  if (version === undefined) throw new TimelineError("no version: not a timeline document (eeh-emu run --out DIR writes DIR/timeline.json)", file, "version");
  if (version !== TIMELINE_VERSION) {
    throw new TimelineError(`timeline version ${JSON.stringify(version)} is not supported (this eeh-emu reads version ${TIMELINE_VERSION})`, file, "version");
  }
  const r = timelineSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new TimelineError(issue.message, file, jsonPath(issue.path));
  }
  const tl = r.data as Timeline;
  const ids = new Set<string>();
  tl.pes.forEach((pe, i) => {
    if (ids.has(pe.id)) throw new TimelineError(`PE "${pe.id}" is listed twice`, file, `pes[${i}].id`);
    ids.add(pe.id);
  });
  tl.states.forEach((s, i) => {
    if (!ids.has(s.pe)) throw new TimelineError(`no PE "${s.pe}" in pes`, file, `states[${i}].pe`);
    if (s.to < s.from) throw new TimelineError(`segment ends (${s.to}) before it begins (${s.from})`, file, `states[${i}].to`);
  });
  tl.events.forEach((e, i) => {
    if (e.log !== undefined && e.log >= tl.logs.length) throw new TimelineError(`log ${e.log} does not exist (the run has ${tl.logs.length} logs)`, file, `events[${i}].log`);
  });
  return tl;
}

/** JSON text of a timeline document → Timeline (errors name file:line:column or the JSON path). */
export function parseTimelineText(textIn: string, file = "<timeline>"): Timeline {
  let doc: unknown;
  try {
    doc = JSON.parse(textIn);
  } catch (e) {
    const p = jsonSyntaxProblem(textIn, e as Error);
    throw new TimelineError(`not valid JSON: ${p.reason}`, file, "$", p.line, p.column);
  }
  return timelineFromJson(doc, file);
}
