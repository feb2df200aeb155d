// The runner as a state machine over virtual time: for any seed, random faults give a
// timeline whose lanes cover the run without gaps or overlaps, the same seed gives the
// same run, and expectations that do not hold say so.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario, runArtifacts, formatTimeline, PE_LANE_STATES, type Timeline } from "../../src/scenario/index.js";

const machine = { phbs: [{ model: "ioda2", devices: [{ type: "switch", ports: [[{ type: "endpoint", label: "a" }], [{ type: "endpoint", label: "b" }], [{ type: "endpoint", label: "c" }]] }] }] };
const drivers = { a: { error_detected: "need reset", slot_reset: "recovered" }, b: { error_detected: "can recover", mmio_enabled: "recovered" }, c: { aware: false } };

function randomScenario(count: number) {
  return loadScenario(JSON.stringify({ name: "random", platform: "powernv", machine, drivers, timeline: [{ at: 100, do: "random-faults", count, within: 20_000 }] }));
}

function checkLanes(tl: Timeline): void {
  for (const pe of tl.pes) {
    const segs = tl.states.filter((s) => s.pe === pe.id);
    expect(segs.length).toBeGreaterThan(0);
    expect(segs[0]!.from).toBe(0);
    expect(segs.at(-1)!.to).toBe(tl.endTime);
    for (let i = 1; i < segs.length; i++) {
      expect(segs[i]!.from).toBe(segs[i - 1]!.to);
      expect(segs[i]!.state).not.toBe(segs[i - 1]!.state);
    }
    for (const s of segs) expect(PE_LANE_STATES).toContain(s.state);
  }
  for (let i = 1; i < tl.events.length; i++) expect(tl.events[i]!.t).toBeGreaterThanOrEqual(tl.events[i - 1]!.t);
}

describe("runScenario", () => {
  it("random faults: lanes cover the run, events are in time order, every log decodes (any seed)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(0xffffffff), fc.integer({ min: 1, max: 4 }), async (seed, count) => {
        const r = await runScenario(randomScenario(count), { seed });
        checkLanes(r.timeline);
        expect(r.timeline.scenario.seed).toBe(seed);
        expect(r.logBytes.length).toBe(r.timeline.logs.length);
        expect(r.timeline.events.filter((e) => e.text.includes("random fault")).length).toBe(count * 2);
      }),
      { numRuns: 8 },
    );
  });

  it("the same seed gives the same run; another seed another one", async () => {
    const s = randomScenario(3);
    const a = (await runScenario(s, { seed: 7 })).timeline;
    const b = (await runScenario(s, { seed: 7 })).timeline;
    const c = (await runScenario(s, { seed: 8 })).timeline;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.events.filter((e) => e.kind === "action"))).not.toBe(JSON.stringify(a.events.filter((e) => e.kind === "action")));
  });

  it("an expectation that does not hold fails the run and says what was seen", async () => {
    const s = loadScenario(JSON.stringify({ name: "x", platform: "powernv", machine, drivers, timeline: [{ at: 5, do: "bad-dma", device: "a" }, { at: 5, do: "load", device: "a" }], expect: [{ check: "pe-state", at: "end", pe: "a", state: "frozen" }, { check: "log", text: "EEH: Recovery successful" }] }));
    const tl = (await runScenario(s)).timeline;
    expect(tl.ok).toBe(false);
    expect(tl.expectations[0]).toMatchObject({ path: "expect[0]", ok: false, detail: "it was normal" });
    expect(tl.expectations[1]!.ok).toBe(true);
    expect(formatTimeline(tl).join("\n")).toContain("FAILED expect[0]");
  });

  it("writes the files DESIGN.md lists, each log with its decoding", async () => {
    const s = loadScenario(JSON.stringify({ name: "x", platform: "powernv", machine, drivers, guests: [{ name: "vm1", devices: ["b"] }], timeline: [{ at: 5, do: "bad-dma", device: "a" }, { at: 5, do: "load", device: "a" }] }));
    const r = await runScenario(s);
    const files = runArtifacts(r);
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["host.log", "guest-vm1.log", "timeline.json", "logs/0001-opal-diag.bin", "logs/0001-opal-diag.json"]));
    const host = files.find((f) => f.path === "host.log")!.content as string;
    expect(host).toMatch(/^\[\s+0\.005000\] EEH: Frozen PE#/m);
    const json = JSON.parse(files.find((f) => f.path === "logs/0001-opal-diag.json")!.content as string) as { headline: string; interpretation: { findings: unknown[] } };
    expect(json.headline).toContain("DMA IOMMU fault");
    expect((files.find((f) => f.path === "logs/0001-opal-diag.bin")!.content as Uint8Array).length).toBe(4392);
  });

  it("until stops the clock in the middle of a recovery", async () => {
    const s = loadScenario(JSON.stringify({ name: "x", platform: "powernv", machine, drivers, until: 1000, timeline: [{ at: 5, do: "bad-dma", device: "a" }, { at: 5, do: "load", device: "a" }], expect: [{ check: "pe-state", at: "end", pe: "a", state: "resetting" }] }));
    const tl = (await runScenario(s)).timeline;
    expect(tl.endTime).toBe(1000);
    expect(tl.ok).toBe(true);
  });
});
