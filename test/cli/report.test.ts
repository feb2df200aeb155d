import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors.js";
import { REPORT_HELP, loadTimelineFile, loadTimelineFromRunDir, parseReportArgs } from "../../src/cli/report.js";
import { TimelineError } from "../../src/report/validate.js";
import { sampleTimeline } from "../report/sample-timeline.js";

describe("eeh-emu report arguments", () => {
  it("takes an input and -o", () => {
    expect(parseReportArgs(["run1", "-o", "report.html"])).toEqual({ input: "run1", output: "report.html" });
    expect(parseReportArgs(["--output", "-", "s.json"])).toEqual({ input: "s.json", output: "-" });
    expect(parseReportArgs(["--output=r.html", "run1"])).toEqual({ input: "run1", output: "r.html" });
  });

  it("explains what is wrong", () => {
    expect(parseReportArgs([])).toBe("report needs a run directory or a scenario file");
    expect(parseReportArgs(["run1"])).toBe("report needs -o <report.html> (or -o - for standard output)");
    expect(parseReportArgs(["run1", "-o"])).toBe("-o needs a file name (or - for standard output)");
    expect(parseReportArgs(["a", "b", "-o", "x"])).toBe("report takes one input (got 2: a b)");
    expect(parseReportArgs(["run1", "-o", "a", "-o", "b"])).toBe("-o given twice");
    expect(parseReportArgs(["run1", "--json", "-o", "a"])).toBe("unknown option --json");
    expect(parseReportArgs(["-", "-o", "a"])).toMatch(/not standard input/);
  });

  it("has help with both ways of using it", () => {
    expect(REPORT_HELP).toContain("eeh-emu run fixtures/scenarios/dma-iommu-fault-ioda2.json --out run1 && eeh-emu report run1 -o report.html");
    expect(REPORT_HELP).toContain("eeh-emu report fixtures/scenarios/vfio-guest-recovery.json -o r.html");
  });
});

describe("loadTimelineFromRunDir", () => {
  const root = mkdtempSync(join(tmpdir(), "eeh-emu-report-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reads DIR/timeline.json", () => {
    const dir = join(root, "run1");
    mkdirSync(dir);
    writeFileSync(join(dir, "timeline.json"), JSON.stringify(sampleTimeline(), null, 2));
    const tl = loadTimelineFromRunDir(dir);
    expect(tl.scenario.name).toBe("two-phbs-freeze-fence-remove");
    expect(loadTimelineFile(join(dir, "timeline.json")).events).toHaveLength(tl.events.length);
  });

  it("names the directory, the file and the JSON path when something is wrong", () => {
    expect(() => loadTimelineFromRunDir(join(root, "nope"))).toThrow(NotFoundError);
    expect(() => loadTimelineFromRunDir(join(root, "nope"))).toThrow(`${join(root, "nope")}: no such directory`);
    const empty = join(root, "empty");
    mkdirSync(empty);
    expect(() => loadTimelineFromRunDir(empty)).toThrow(`${empty}: no timeline.json in it (write one with: eeh-emu run <scenario> --out ${empty})`);
    const bad = join(root, "bad");
    mkdirSync(bad);
    const doc = JSON.parse(JSON.stringify(sampleTimeline())) as { lines: Array<{ t: unknown }> };
    doc.lines[4]!.t = "soon";
    writeFileSync(join(bad, "timeline.json"), JSON.stringify(doc));
    expect(() => loadTimelineFromRunDir(bad)).toThrow(TimelineError);
    expect(() => loadTimelineFromRunDir(bad)).toThrow(`${join(bad, "timeline.json")}: lines[4].t: `);
    const file = join(root, "plain-file");
    writeFileSync(file, "x");
    expect(() => loadTimelineFromRunDir(file)).toThrow(`${file}: not a directory`);
  });
});
