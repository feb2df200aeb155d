// `eeh-emu run`: text and JSON output, --out files, exit status 1 with the failing
// expectation named, 2 for usage, one-line errors naming the file and path.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";
import { progressBar } from "../../src/cli/progress.js";

const SCEN = "fixtures/scenarios";

describe("eeh-emu run", () => {
  it("prints the timeline and exits 0 when every expectation holds", async () => {
    const r = await runCli(["run", `${SCEN}/dma-iommu-fault-ioda2.json`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("scenario dma-iommu-fault-ioda2 (powernv, seed 1)");
    expect(r.out).toMatch(/\[\s+1\.000\] hardware PHB#0-PE#fa frozen: dma-tce-page-fault by 0400 at 0x7ffff000/);
    expect(r.out).toContain("expectations: 7 of 7 held");
  });

  it("--json prints the timeline document; --out writes the run's files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eeh-run-"));
    const r = await runCli(["run", `${SCEN}/pseries-rtas.json`, "--json", "--out", dir]);
    expect(r.code).toBe(0);
    const tl = JSON.parse(r.out) as { version: number; logs: Array<{ file: string; kind: string }> };
    expect(tl.version).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(["host.log", "logs", "timeline.json"]);
    expect(JSON.parse(readFileSync(join(dir, "timeline.json"), "utf8"))).toEqual(tl);
    const rtas = tl.logs.find((l) => l.kind === "rtas")!;
    expect(readdirSync(join(dir, "logs"))).toContain(rtas.file.replace("logs/", ""));
    // the saved blob decodes with eeh-emu decode
    const d = await runCli(["decode", join(dir, rtas.file)]);
    expect(d.code).toBe(0);
    expect(d.out).toContain("RTAS error log: version 6");
  });

  it("exits 1 and names each expectation that failed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eeh-run-"));
    const doc = JSON.parse(readFileSync(`${SCEN}/dma-iommu-fault-ioda2.json`, "utf8")) as { expect: unknown[] };
    doc.expect = [{ check: "pe-state", at: "end", pe: "nvme0", state: "removed" }];
    writeFileSync(join(dir, "s.json"), JSON.stringify(doc));
    const r = await runCli(["run", join(dir, "s.json"), "--no-lines"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(dir, "s.json")}: expect[0]: expected PHB#0-PE#fa is removed at the end, but it was normal`);
  });

  it("bad input: one line naming file, line and path; exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eeh-run-"));
    writeFileSync(join(dir, "bad.json"), '{\n  "name": "x",\n  "platform": "powernv",\n  "machine": { "phbs": [ { "model": "ioda9" } ] }\n}\n');
    const r = await runCli(["run", join(dir, "bad.json")]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/bad\.json:4:\d+: machine\.phbs\[0\]\.model: /);
    const missing = await runCli(["run", join(dir, "none.json")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("none.json: no such file or directory");
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["run"])).code).toBe(2);
    expect((await runCli(["run", "a.json", "--seed", "x"])).code).toBe(2);
    expect((await runCli(["run", "a.json", "--frobnicate"])).code).toBe(2);
    const h = await runCli(["run", "--help"]);
    expect(h.code).toBe(0);
    expect(h.out).toContain("Examples:");
  });

  it("--seed changes what random-faults picks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eeh-run-"));
    const doc = { name: "r", platform: "powernv", machine: { phbs: [{ model: "ioda2", devices: [{ type: "switch", ports: [[{ type: "endpoint", label: "a" }], [{ type: "endpoint", label: "b" }]] }] }] }, timeline: [{ at: 0, do: "random-faults", count: 3, within: 5000 }] };
    writeFileSync(join(dir, "r.json"), JSON.stringify(doc));
    const a = await runCli(["run", join(dir, "r.json"), "--seed", "1", "--json"]);
    const b = await runCli(["run", join(dir, "r.json"), "--seed", "2", "--json"]);
    expect((JSON.parse(a.out) as { scenario: { seed: number } }).scenario.seed).toBe(1);
    expect(a.out).not.toBe(b.out);
  });
});

describe("progress bar", () => {
  it("draws only on a terminal and only after 2 s of wall time", () => {
    let t = 0;
    let written = "";
    const tty = { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    const bar = progressBar(tty, "running", () => t);
    bar.update(0.5);
    expect(written).toBe("");
    t = 2500;
    bar.update(0.5, "3.0 s virtual");
    expect(written).toContain("[###############...............]  50% 3.0 s virtual");
    bar.done();
    expect(written.endsWith("\r\x1b[K")).toBe(true);
    let piped = "";
    const pipe = { isTTY: false, write: (s: string) => ((piped += s), true) } as unknown as NodeJS.WriteStream;
    const b2 = progressBar(pipe, "x", () => (t += 5000));
    b2.update(0.9);
    b2.done();
    expect(piped).toBe("");
  });
});
