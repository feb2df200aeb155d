import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TopologyError } from "../../src/core/errors.js";
import { arbMachineSpec } from "../../src/pci/arbitraries.js";
import { MachineBuilder } from "../../src/pci/builder.js";
import { machineFromJson, machineToJson } from "../../src/pci/topology-json.js";

const spec = new MachineBuilder()
  .phb({ model: "ioda2", id: 0 }, (root) =>
    root.port({ pePerDevice: true }).switch({ downstreamPorts: 2 }, ([a, b]) => {
      a!.endpoint({ vendorId: 0x15b3, deviceId: 0x1013, label: "mlx0", pe: 4 });
      b!.endpoint({ sriov: { numVfs: 2 } });
    }),
  )
  .build();

function errorOf(value: unknown): TopologyError {
  try {
    machineFromJson(value);
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return e as TopologyError;
  }
  throw new Error("parsed");
}

const json = (): any => JSON.parse(JSON.stringify(machineToJson(spec)));

describe("machineToJson", () => {
  it("writes addresses as text and numbers as numbers", () => {
    const j = json();
    expect(j.phbs[0].functions[0]).toEqual({
      address: "0000:00:00.0",
      kind: "root-port",
      vendorId: 0x1014,
      deviceId: 0x03dc,
      classCode: 0x060400,
      bars: [],
      aer: true,
      secondaryBus: 1,
      subordinateBus: 4,
      pePerDevice: true,
      location: "U78C9.001.WZS0001-P1-C1",
    });
    const vf = j.phbs[0].functions.find((f: any) => f.kind === "vf");
    expect(vf.physfn).toBe("0000:04:00.0");
    expect(vf.address).toBe("0000:04:10.0");
    expect(vf.vfIndex).toBe(0);
  });

  it("round-trips", () => {
    expect(machineFromJson(json())).toStrictEqual(spec);
  });
});

describe("machineFromJson", () => {
  it("accepts hex strings for numbers and bb:dd.f addresses", () => {
    const j = json();
    const ep = j.phbs[0].functions[3];
    expect(ep.label).toBe("mlx0");
    ep.vendorId = "0x15B3";
    ep.deviceId = "0x1013";
    ep.bars[0].size = "0x100000";
    ep.address = "03:00.0";
    expect(machineFromJson(j)).toStrictEqual(spec);
  });

  it("defaults bars, aer and prefetchable", () => {
    const j = json();
    const up = j.phbs[0].functions[1];
    delete up.bars;
    delete up.aer;
    const ep = j.phbs[0].functions[3];
    delete ep.bars[1].prefetchable;
    expect(machineFromJson(j)).toStrictEqual(spec);
  });

  it.each([
    ["not an object", () => 42, "$", /expected an object, got number 42/],
    ["unknown top-level field", () => ({ phbs: [], extra: 1 }), "extra", /unknown field "extra"/],
    ["missing phbs", () => ({}), "phbs", /missing field "phbs"/],
    ["phbs not an array", () => ({ phbs: {} }), "phbs", /expected an array/],
    [
      "unknown function field",
      () => {
        const j = json();
        j.phbs[0].functions[3].vendorID = 1;
        return j;
      },
      "phbs[0].functions[3].vendorID",
      /unknown field "vendorID"/,
    ],
    [
      "bad address text",
      () => {
        const j = json();
        j.phbs[0].functions[3].address = "0000:03:00.9";
        return j;
      },
      "phbs[0].functions[3].address",
      /at column 11/,
    ],
    [
      "bad physfn text",
      () => {
        const j = json();
        j.phbs[0].functions.find((f: any) => f.kind === "vf").physfn = "pf";
        return j;
      },
      "phbs[0].functions[6].physfn",
      /in PCI address "pf"/,
    ],
    [
      "missing kind",
      () => {
        const j = json();
        delete j.phbs[0].functions[2].kind;
        return j;
      },
      "phbs[0].functions[2].kind",
      /missing field "kind"/,
    ],
    [
      "string where a number goes",
      () => {
        const j = json();
        j.phbs[0].functions[2].secondaryBus = "three";
        return j;
      },
      "phbs[0].functions[2].secondaryBus",
      /hex string like "0x15b3", got the string "three"/,
    ],
    [
      "fractional number",
      () => {
        const j = json();
        j.phbs[0].id = 1.5;
        return j;
      },
      "phbs[0].id",
      /non-negative integer/,
    ],
    [
      "hex too large",
      () => {
        const j = json();
        j.phbs[0].functions[3].bars[0].size = "0x" + "f".repeat(20);
        return j;
      },
      "phbs[0].functions[3].bars[0].size",
      /too large/,
    ],
    [
      "boolean as string",
      () => {
        const j = json();
        j.phbs[0].functions[3].aer = "true";
        return j;
      },
      "phbs[0].functions[3].aer",
      /expected true or false/,
    ],
    [
      "semantic error from validateMachine",
      () => {
        const j = json();
        j.phbs[0].functions[4].secondaryBus = 3;
        return j;
      },
      "phbs[0].functions[4].secondaryBus",
      /already the secondary bus of functions\[2\]/,
    ],
    [
      "sriov field missing",
      () => {
        const j = json();
        delete j.phbs[0].functions[5].sriov.vfStride;
        return j;
      },
      "phbs[0].functions[5].sriov.vfStride",
      /missing field/,
    ],
    [
      "__proto__ key",
      () => JSON.parse('{"phbs": [], "__proto__": {"x": 1}}'),
      "__proto__",
      /unknown field/,
    ],
  ])("%s", (_name, make, path, message) => {
    const e = errorOf(make());
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  });
});

// Replace the value at a random place in a JSON tree.
function mutateAt(tree: unknown, choice: number, replacement: unknown): unknown {
  const slots: Array<{ parent: any; key: string | number }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === "object") for (const k of Object.keys(v)) (slots.push({ parent: v, key: k }), walk((v as any)[k]));
  };
  walk(tree);
  if (slots.length === 0) return replacement;
  const slot = slots[choice % slots.length]!;
  slot.parent[slot.key] = replacement;
  return tree;
}

describe("topology JSON properties", () => {
  it("machineFromJson(machineToJson(s)) deep-equals s", () => {
    fc.assert(
      fc.property(arbMachineSpec(), (s) => {
        const text = JSON.stringify(machineToJson(s));
        expect(machineFromJson(JSON.parse(text))).toStrictEqual(s);
      }),
      { numRuns: 150 },
    );
  });

  it("arbitrary JSON throws nothing but TopologyError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          machineFromJson(v);
        } catch (e) {
          expect(e).toBeInstanceOf(TopologyError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a valid description with one value replaced is accepted or rejected with a TopologyError", () => {
    fc.assert(
      fc.property(arbMachineSpec({ maxPhbs: 2 }), fc.nat(), fc.jsonValue({ maxDepth: 2 }), (s, choice, replacement) => {
        const tree = mutateAt(JSON.parse(JSON.stringify(machineToJson(s))), choice, replacement);
        try {
          machineFromJson(tree);
        } catch (e) {
          expect(e).toBeInstanceOf(TopologyError);
          expect((e as TopologyError).path).not.toBe("");
        }
      }),
      { numRuns: 300 },
    );
  });
});
