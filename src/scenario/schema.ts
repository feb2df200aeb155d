// The scenario file format, as a zod schema: the machine, its drivers, the guests, a
// timeline of actions at virtual times, and expectations. zod checks the shape and names
// the JSON path of anything wrong (`timeline[3].device`); what needs the built machine
// (does "nvme0" exist, is PE#fa on PHB#0) is checked when the run is set up, with the same
// kind of path. docs/scenarios.md describes every field with examples.
//
//   {
//     "name": "dma-iommu-fault-ioda2",
//     "platform": "powernv",
//     "machine": { "phbs": [ { "model": "ioda2", "devices": [
//       { "type": "switch", "ports": [ [ { "type": "endpoint", "label": "nvme0" } ] ] } ] } ] },
//     "drivers": { "nvme0": { "error_detected": "need reset", "slot_reset": "recovered" } },
//     "timeline": [ { "at": 1000, "do": "bad-dma", "device": "nvme0" },
//                   { "at": 1000, "do": "load", "device": "nvme0" } ],
//     "expect": [ { "check": "pe-state", "at": "end", "pe": "nvme0", "state": "normal" } ]
//   }

import { z } from "zod";
import { PE_LANE_STATES, type PeLaneState } from "./timeline.js";

// ------------------------------------------------------------------ small value types

const HEX = /^0x[0-9a-f]+$/i;

/** A non-negative integer as a JSON number or a "0x…" string (how ids are copied from lspci). */
const uint = (max = Number.MAX_SAFE_INTEGER) =>
  z
    .union([z.number().int().nonnegative(), z.string().regex(HEX, 'expected a number or a hex string like "0x1f"')])
    .transform((v) => (typeof v === "number" ? v : Number.parseInt(v.slice(2), 16)))
    .refine((v) => v <= max, { message: `must be at most ${max} (0x${max.toString(16)})` });

/** A 64-bit address: a JSON number (safe integer) or a "0x…" string. */
const address64 = z
  .union([z.number().int().nonnegative(), z.string().regex(HEX, 'expected an address like "0x7ffff000"')])
  .transform((v) => BigInt(v))
  .refine((v) => v < 1n << 64n, { message: "must fit in 64 bits" });

/** Virtual time in milliseconds. */
const time = z.number().nonnegative().finite();

/** A device: its label ("nvme0") or address ("0000:04:00.0"). */
const deviceRef = z.string().min(1, "name a device by label or address");
/** A PE: a device in it (label or address) or Linux's name ("PHB#0-PE#fa"). */
const peRef = z.string().min(1, "name a PE as PHB#x-PE#y or by a device in it");

const RESULT = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/^pci_ers_result_/, "").replace(/[_-]+/g, " "))
  .pipe(z.enum(["none", "can recover", "need reset", "disconnect", "recovered", "no aer driver"]));

// ------------------------------------------------------------------ the machine

const bar = z.strictObject({
  type: z.enum(["mem32", "mem64", "io"]).default("mem32"),
  size: uint(),
  prefetchable: z.boolean().optional(),
});

const functionFields = {
  label: z.string().min(1).optional(),
  vendorId: uint(0xffff).optional(),
  deviceId: uint(0xffff).optional(),
  classCode: uint(0xffffff).optional(),
  bars: z.array(bar).max(6).optional(),
  aer: z.boolean().optional(),
  /** Pin the PE number (PowerNV allocates from the top down otherwise). */
  pe: uint().optional(),
  location: z.string().optional(),
};

const bridgeFields = {
  label: z.string().min(1).optional(),
  /** One PE per device below this bridge instead of one PE for its bus. */
  pePerDevice: z.boolean().optional(),
  pe: uint().optional(),
};

export interface EndpointNode {
  readonly type: "endpoint";
  readonly label?: string;
  readonly vendorId?: number;
  readonly deviceId?: number;
  readonly classCode?: number;
  readonly bars?: ReadonlyArray<{ type: "mem32" | "mem64" | "io"; size: number; prefetchable?: boolean }>;
  readonly aer?: boolean;
  readonly pe?: number;
  readonly location?: string;
  readonly device?: number;
  readonly functions?: number;
  readonly sriov?: { numVfs: number; totalVfs?: number };
}
export interface SwitchNode {
  readonly type: "switch";
  readonly label?: string;
  readonly pePerDevice?: boolean;
  readonly ports: ReadonlyArray<ReadonlyArray<TopologyNode>>;
}
export interface PciBridgeNode {
  readonly type: "pci-bridge";
  readonly label?: string;
  readonly pe?: number;
  readonly devices: ReadonlyArray<TopologyNode>;
}
export type TopologyNode = EndpointNode | SwitchNode | PciBridgeNode;

const endpointNode = z.strictObject({
  type: z.literal("endpoint"),
  ...functionFields,
  device: uint(31).optional(),
  functions: z.number().int().min(1).max(8).optional(),
  sriov: z.strictObject({ numVfs: z.number().int().min(1).max(256), totalVfs: z.number().int().min(1).max(256).optional() }).optional(),
});

// Recursive: switches and bridges hold more nodes.
const topologyNode: z.ZodType<TopologyNode, unknown> = z.lazy(() =>
  z.discriminatedUnion("type", [
    endpointNode,
    z.strictObject({
      type: z.literal("switch"),
      label: bridgeFields.label,
      pePerDevice: bridgeFields.pePerDevice,
      /** One list of nodes per downstream port. */
      ports: z.array(z.array(topologyNode).max(32)).min(1).max(32),
    }),
    z.strictObject({ type: z.literal("pci-bridge"), label: bridgeFields.label, pe: bridgeFields.pe, devices: z.array(topologyNode).max(32) }),
  ]),
) as z.ZodType<TopologyNode, unknown>;

const phb = z.strictObject({
  model: z.enum(["ioda1", "ioda2"]),
  id: uint(0xffff).optional(),
  domain: uint(0xffff).optional(),
  location: z.string().optional(),
  /** Root port options; devices sit on its secondary bus. */
  rootPort: z.strictObject(bridgeFields).optional(),
  devices: z.array(topologyNode).max(32).default([]),
});

// ------------------------------------------------------------------ drivers and guests

const driver = z.strictObject({
  name: z.string().min(1).optional(),
  error_detected: RESULT.optional(),
  mmio_enabled: RESULT.optional(),
  slot_reset: RESULT.optional(),
  /** Whether the driver has a resume callback (default true). */
  resume: z.boolean().optional(),
  /** The driver has no error handlers at all (not EEH-aware): it is removed and re-added. */
  aware: z.boolean().optional(),
});

const guest = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only (it names guest-<name>.log)"),
  /** The devices passed through; the guest's container holds their IOMMU groups. */
  devices: z.array(deviceRef).min(1),
  /** "qemu-spapr": a QEMU pSeries guest reaching VFIO_EEH_PE_OP through RTAS calls. */
  hypervisor: z.literal("qemu-spapr").default("qemu-spapr"),
  /** What the guest does when a load returns all ones: run the documented recovery flow, or nothing. */
  onError: z.enum(["recover", "ignore"]).default("recover"),
  reset: z.enum(["hot", "fundamental"]).default("hot"),
});

// ------------------------------------------------------------------ the timeline

const at = { at: time, note: z.string().optional() };
const VFIO_OPS = ["DISABLE", "ENABLE", "UNFREEZE_IO", "UNFREEZE_DMA", "GET_STATE", "RESET_DEACTIVATE", "RESET_HOT", "RESET_FUNDAMENTAL", "CONFIGURE", "INJECT_ERR"] as const;
export type VfioOpName = (typeof VFIO_OPS)[number];
const RTAS_GUEST_CALLS = ["ibm,set-eeh-option", "ibm,set-slot-reset", "ibm,read-slot-reset-state2", "ibm,configure-pe", "ibm,get-config-addr-info2", "ibm,slot-error-detail"] as const;
const size = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)]);

const action = z.discriminatedUnion("do", [
  // Faults (ioda/faults.ts).
  z.strictObject({ ...at, do: z.literal("bad-dma"), device: deviceRef, address: address64.optional(), dir: z.enum(["read", "write"]).default("write") }),
  z.strictObject({ ...at, do: z.literal("mmio-error"), device: deviceRef }),
  z.strictObject({ ...at, do: z.literal("mmio-unassigned"), phb: uint(0xffff) }),
  z.strictObject({ ...at, do: z.literal("link-down"), device: deviceRef, permanent: z.boolean().default(false) }),
  z.strictObject({ ...at, do: z.literal("pcie-ue"), device: deviceRef, error: z.string().default("MALF_TLP"), severity: z.enum(["fatal", "nonfatal"]).optional() }),
  z.strictObject({ ...at, do: z.literal("fence"), phb: uint(0xffff) }),
  z.strictObject({ ...at, do: z.literal("dead-phb"), phb: uint(0xffff) }),
  z.strictObject({ ...at, do: z.literal("freeze"), pe: peRef, mmio: z.boolean().default(true), dma: z.boolean().default(true) }),
  /** `count` faults of random kinds on random devices over `within` ms, chosen by the run's seed. */
  z.strictObject({ ...at, do: z.literal("random-faults"), count: z.number().int().min(1).max(10_000), within: time.default(0), devices: z.array(deviceRef).optional() }),
  // Accesses by the host driver (through the EEH core, so an all-ones read is checked).
  z.strictObject({ ...at, do: z.literal("load"), device: deviceRef, bar: z.number().int().min(0).max(5).default(0), offset: address64.default(0n), size: size.default(4) }),
  z.strictObject({ ...at, do: z.literal("store"), device: deviceRef, bar: z.number().int().min(0).max(5).default(0), offset: address64.default(0n), size: size.default(4), value: address64.default(0n) }),
  z.strictObject({ ...at, do: z.literal("dma"), device: deviceRef, address: address64.optional(), dir: z.enum(["read", "write"]).default("write"), map: z.boolean().default(true) }),
  z.strictObject({ ...at, do: z.literal("config-read"), device: deviceRef, offset: uint(0xfff).default(0), size: z.union([z.literal(1), z.literal(2), z.literal(4)]).default(4) }),
  z.strictObject({ ...at, do: z.literal("config-write"), device: deviceRef, offset: uint(0xfff), size: z.union([z.literal(1), z.literal(2), z.literal(4)]).default(4), value: uint(0xffffffff) }),
  // A guest's view and calls.
  z.strictObject({ ...at, do: z.literal("guest-load"), guest: z.string(), device: deviceRef, bar: z.number().int().min(0).max(5).default(0), offset: address64.default(0n) }),
  z.strictObject({ ...at, do: z.literal("vfio"), guest: z.string(), op: z.enum(VFIO_OPS) }),
  z.strictObject({ ...at, do: z.literal("guest-recover"), guest: z.string() }),
  z.strictObject({ ...at, do: z.literal("rtas"), guest: z.string(), device: deviceRef, call: z.enum(RTAS_GUEST_CALLS), option: z.number().int().nonnegative().default(0) }),
  /** A guest floods: `count` × (INJECT_ERR, a tripping access, thaw), as fast as the host lets it. */
  z.strictObject({ ...at, do: z.literal("flood"), guest: z.string(), count: z.number().int().min(1).max(1_000_000), thawEvery: z.number().int().min(1).default(1) }),
]);

// ------------------------------------------------------------------ expectations

const when = z.union([time, z.literal("end")]);
const expectation = z.discriminatedUnion("check", [
  z.strictObject({ check: z.literal("pe-state"), at: when, pe: peRef, state: z.enum(PE_LANE_STATES as [PeLaneState, ...PeLaneState[]]) }),
  /** A log line containing `text` (or matching `regex`) appears — or, with `absent`, never does. */
  z.strictObject({
    check: z.literal("log"),
    text: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
    source: z.string().default("host"),
    absent: z.boolean().default(false),
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().nonnegative().optional(),
  }),
  /** The number of lines from a source stays within bounds (a guest cannot flood the host log). */
  z.strictObject({ check: z.literal("line-count"), source: z.string().default("host"), min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }),
  z.strictObject({ check: z.literal("guest"), guest: z.string(), outcome: z.enum(["recovered", "failed", "not-frozen", "none"]) }),
  /** How the host EEH core's last recovery of this PE ended. */
  z.strictObject({ check: z.literal("recovery"), pe: peRef, outcome: z.enum(["recovered", "failed", "dropped", "none"]) }),
  /** Platform logs of a kind; `headline` must appear in the headline, `finding` is a finding type (PCIE_UE, DMA_IOMMU_FAULT…) the interpretation must list. */
  z.strictObject({ check: z.literal("platform-log"), kind: z.enum(["opal-diag", "rtas", "eehi"]), headline: z.string().optional(), finding: z.string().optional(), min: z.number().int().nonnegative().default(1) }),
  /** A comparison scenario: one hypervisor model's result. */
  z.strictObject({ check: z.literal("compare"), model: z.enum(["eeh-vfio", "xen-pciback", "qemu-vfio-aer"]), survived: z.boolean() }),
]);

// ------------------------------------------------------------------ the scenario

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    platform: z.enum(["powernv", "pseries", "compare"]),
    /** Default seed (the command line's --seed wins). */
    seed: z.number().int().nonnegative().max(0xffffffff).default(1),
    machine: z.strictObject({ phbs: z.array(phb).min(1).max(16) }).optional(),
    drivers: z.record(z.string(), driver).default({}),
    /** eeh_max_freezes (default 5). */
    maxFreezes: z.number().int().min(1).max(1000).optional(),
    guests: z.array(guest).default([]),
    timeline: z.array(action).default([]),
    /** Stop the clock here even if timers are pending (default: run until idle). */
    until: time.optional(),
    /** platform "compare": the comparison input of `eeh-emu compare --input` (one PCIe error, several hypervisors). */
    compare: z.record(z.string(), z.unknown()).optional(),
    expect: z.array(expectation).default([]),
  })
  .superRefine((s, ctx) => {
    if (s.platform === "compare") {
      if (!s.compare) ctx.addIssue({ code: "custom", path: ["compare"], message: 'platform "compare" needs a "compare" section' });
      for (const k of ["machine", "guests", "timeline"] as const) {
        const v = s[k];
        if (v !== undefined && (!Array.isArray(v) || v.length > 0)) ctx.addIssue({ code: "custom", path: [k], message: `not used by platform "compare" (the comparison builds its own machine)` });
      }
    } else {
      if (!s.machine) ctx.addIssue({ code: "custom", path: ["machine"], message: `platform "${s.platform}" needs a machine` });
      if (s.compare) ctx.addIssue({ code: "custom", path: ["compare"], message: 'only platform "compare" takes a "compare" section' });
    }
    const names = new Set<string>();
    s.guests.forEach((g, i) => {
      if (names.has(g.name)) ctx.addIssue({ code: "custom", path: ["guests", i, "name"], message: `guest "${g.name}" is defined twice` });
      names.add(g.name);
    });
    s.timeline.forEach((a, i) => {
      if ("guest" in a && !names.has(a.guest)) ctx.addIssue({ code: "custom", path: ["timeline", i, "guest"], message: `no guest named "${a.guest}"` });
    });
    s.expect.forEach((e, i) => {
      const forCompare = e.check === "compare" || e.check === "log" || e.check === "line-count";
      if (s.platform === "compare" && !forCompare) ctx.addIssue({ code: "custom", path: ["expect", i, "check"], message: `a comparison can check "compare", "log" and "line-count", not "${e.check}"` });
      if (s.platform !== "compare" && e.check === "compare") ctx.addIssue({ code: "custom", path: ["expect", i, "check"], message: 'only platform "compare" runs hypervisor models to check' });
      if (e.check === "guest" && !names.has(e.guest)) ctx.addIssue({ code: "custom", path: ["expect", i, "guest"], message: `no guest named "${e.guest}"` });
      if (e.check === "log" && (e.text === undefined) === (e.regex === undefined)) ctx.addIssue({ code: "custom", path: ["expect", i], message: 'give exactly one of "text" and "regex"' });
      if (e.check === "log" && e.regex !== undefined) {
        try {
          new RegExp(e.regex);
        } catch (err) {
          ctx.addIssue({ code: "custom", path: ["expect", i, "regex"], message: `not a regular expression: ${(err as Error).message}` });
        }
      }
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioAction = Scenario["timeline"][number];
export type ScenarioExpectation = Scenario["expect"][number];
export type ScenarioGuest = Scenario["guests"][number];
export type ScenarioDriver = Scenario["drivers"][string];
export type ScenarioPhb = NonNullable<Scenario["machine"]>["phbs"][number];
