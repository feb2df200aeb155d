import { describe, expect, it } from "vitest";
import { EehError } from "../../src/core/errors.js";
import { TimelineError, parseTimelineText, timelineFromJson } from "../../src/report/validate.js";
import { sampleTimeline } from "./sample-timeline.js";

const asJson = (): Record<string, unknown> => JSON.parse(JSON.stringify(sampleTimeline())) as Record<string, unknown>;

function errorOf(f: () => unknown): TimelineError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TimelineError);
    expect(e).toBeInstanceOf(EehError);
    return e as TimelineError;
  }
  throw new Error("no error");
}

describe("reading a timeline document", () => {
  it("accepts what the sample serializes to", () => {
    const text = JSON.stringify(sampleTimeline());
    const tl = parseTimelineText(text, "run1/timeline.json");
    expect(tl.pes).toHaveLength(5);
    expect(tl).toEqual(JSON.parse(text));
  });

  it("names the file and the JSON path of a bad field", () => {
    const doc = asJson();
    (doc.events as Array<Record<string, unknown>>)[3]!.kind = "party";
    const e = errorOf(() => timelineFromJson(doc, "run1/timeline.json"));
    expect(e.code).toBe("DECODE");
    expect(e.path).toBe("events[3].kind");
    expect(e.message).toMatch(/^run1\/timeline\.json: events\[3\]\.kind: /);
    expect(e.message).toContain('"hardware"');

    const d2 = asJson();
    delete (d2.scenario as Record<string, unknown>).name;
    expect(errorOf(() => timelineFromJson(d2, "t.json")).message).toMatch(/^t\.json: scenario\.name: /);
  });

  it("checks the version first", () => {
    expect(errorOf(() => timelineFromJson({ ...asJson(), version: 2 }, "t.json")).message).toBe("t.json: version: timeline version 2 is not supported (this eeh-emu reads version 1)");
    expect(errorOf(() => timelineFromJson({ name: "a scenario" }, "s.json")).message).toMatch(/^s\.json: version: no version: not a timeline document/);
    expect(errorOf(() => timelineFromJson([], "t.json")).path).toBe("$");
  });

  it("checks references between parts", () => {
    const d = asJson();
    (d.states as Array<Record<string, unknown>>)[0]!.pe = "PHB#9-PE#1";
    expect(errorOf(() => timelineFromJson(d, "t.json")).message).toBe('t.json: states[0].pe: no PE "PHB#9-PE#1" in pes');
    const d2 = asJson();
    (d2.events as Array<Record<string, unknown>>)[2]!.log = 99;
    expect(errorOf(() => timelineFromJson(d2, "t.json")).path).toBe("events[2].log");
    const d3 = asJson();
    (d3.pes as unknown[]).push((d3.pes as unknown[])[0]);
    expect(errorOf(() => timelineFromJson(d3, "t.json")).message).toBe('t.json: pes[5].id: PE "PHB#0-PE#fa" is listed twice');
  });

  it("gives the line and column of a JSON syntax error", () => {
    const e = errorOf(() => parseTimelineText('{\n  "version": 1,\n  "x": 1,\n}', "run1/timeline.json"));
    expect(e.message).toMatch(/^run1\/timeline\.json:4:1: not valid JSON: /);
    expect(errorOf(() => parseTimelineText('{"version": 1', "t.json")).message).toMatch(/^t\.json:1:14: not valid JSON: /);
    expect(errorOf(() => parseTimelineText("", "t.json")).message).toMatch(/^t\.json:1:1: not valid JSON/);
  });
});
