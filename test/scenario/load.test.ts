// Reading scenario files: JSON and YAML give the same scenario; every problem is one
// ScenarioError naming the file, line and JSON path; nothing else ever escapes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadScenario, runScenario, ScenarioError } from "../../src/scenario/index.js";

const base = {
  name: "t",
  platform: "powernv",
  machine: { phbs: [{ model: "ioda2", devices: [{ type: "switch", ports: [[{ type: "endpoint", label: "nvme0" }], [{ type: "endpoint", label: "eth0" }]] }] }] },
  drivers: { nvme0: { error_detected: "need reset", slot_reset: "recovered" } },
  timeline: [{ at: 10, do: "bad-dma", device: "nvme0" }],
};

function err(text: string, file = "s.json"): ScenarioError {
  try {
    loadScenario(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

async function runErr(doc: unknown): Promise<ScenarioError> {
  try {
    await runScenario(loadScenario(JSON.stringify(doc), "s.json"), { file: "s.json" });
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

describe("loadScenario", () => {
  it("reads JSON and YAML to the same scenario, with defaults filled in", () => {
    const a = loadScenario(JSON.stringify(base), "s.json");
    const b = loadScenario(stringify(base), "s.yaml");
    expect(b).toEqual(a);
    expect(a.seed).toBe(1);
    expect(a.timeline[0]).toMatchObject({ do: "bad-dma", dir: "write" });
    expect(a.drivers["nvme0"]!.error_detected).toBe("need reset");
  });

  it("accepts hex strings for ids and addresses", () => {
    const s = loadScenario(JSON.stringify({ ...base, timeline: [{ at: 0, do: "bad-dma", device: "nvme0", address: "0x7ffff000" }] }));
    expect(s.timeline[0]).toMatchObject({ address: 0x7ffff000n });
  });

  it("names the JSON path, line and column of a bad value", () => {
    const text = JSON.stringify({ ...base, timeline: [{ at: 10, do: "bad-dma", device: 7 }] }, null, 2);
    const e = err(text);
    expect(e.path).toBe("timeline[0].device");
    const line = text.split("\n").findIndex((l) => l.includes('"device": 7')) + 1;
    expect(e.line).toBe(line);
    expect(e.message).toMatch(new RegExp(`^s\\.json:${line}:\\d+: timeline\\[0\\]\\.device: `));
  });

  it("names an unknown step, field or model", () => {
    expect(err(JSON.stringify({ ...base, timeline: [{ at: 1, do: "explode" }] })).path).toBe("timeline[0].do");
    expect(err(JSON.stringify({ ...base, bogus: 1 })).message).toContain("bogus");
    expect(err(JSON.stringify({ ...base, machine: { phbs: [{ model: "ioda3" }] } })).path).toBe("machine.phbs[0].model");
  });

  it("gives the line of a JSON syntax error", () => {
    const e = err('{\n  "name": "x",\n  "platform": \n}');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^s\.json:4:\d+: not valid JSON/);
  });

  it("gives the line of a YAML syntax error", () => {
    const e = err("name: x\nplatform: [powernv\n", "s.yaml");
    expect(e.message).toMatch(/^s\.yaml:\d+:\d+: not valid YAML/);
  });

  it("checks cross references: guests, regexes, platform sections", () => {
    expect(err(JSON.stringify({ ...base, timeline: [{ at: 1, do: "vfio", guest: "ghost", op: "GET_STATE" }] })).path).toBe("timeline[0].guest");
    expect(err(JSON.stringify({ ...base, expect: [{ check: "log", regex: "(" }] })).path).toBe("expect[0].regex");
    expect(err(JSON.stringify({ ...base, expect: [{ check: "log" }] })).path).toBe("expect[0]");
    expect(err(JSON.stringify({ name: "x", platform: "powernv" })).path).toBe("machine");
    expect(err(JSON.stringify({ name: "x", platform: "compare" })).path).toBe("compare");
  });

  it("names what the machine does not have when the run is set up", async () => {
    expect((await runErr({ ...base, timeline: [{ at: 1, do: "load", device: "nvme9" }] })).path).toBe("timeline[0].device");
    expect((await runErr({ ...base, drivers: { gpu0: {} } })).path).toBe('drivers["gpu0"]');
    expect((await runErr({ ...base, expect: [{ check: "pe-state", at: 0, pe: "PHB#0-PE#1", state: "normal" }] })).message).toContain("PE#1 is not one of PHB#0's PEs");
    expect((await runErr({ ...base, timeline: [{ at: 1, do: "fence", phb: 3 }] })).path).toBe("timeline[0].phb");
  });

  it("never throws anything but a ScenarioError, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          loadScenario(JSON.stringify(v), "f.json");
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never throws anything but a ScenarioError for mutations of a valid scenario", () => {
    const text = JSON.stringify(base);
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 3 }), (at, ins) => {
        try {
          loadScenario(text.slice(0, at) + ins + text.slice(at + 1), "f.json");
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});
