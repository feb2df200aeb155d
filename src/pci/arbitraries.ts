// fast-check arbitraries for machine descriptions (STYLE.md: arbitraries live next to the
// types they generate and are exported for users). A machine is generated as a *shape* —
// PHBs with trees of endpoints, switches and PCIe-to-PCI bridges — and turned into a
// MachineSpec by the builder, so every generated spec is valid by construction and shrinks
// to a smaller tree. Sizes are kept small (a few dozen functions) so properties run fast.
//
// This module imports fast-check, a devDependency: import it from tests and tooling only.

import fc from "fast-check";
import { MachineBuilder, type BarOptions, type BusBuilder, type EndpointOptions } from "./builder.js";
import type { MachineSpec, PhbModelKind } from "./topology.js";

export interface EndpointShape {
  readonly type: "endpoint";
  readonly options: EndpointOptions;
}
export interface SwitchShape {
  readonly type: "switch";
  readonly pePerDevice: boolean | undefined;
  readonly ports: readonly BusShape[];
}
export interface PciBridgeShape {
  readonly type: "pci-bridge";
  readonly pePerDevice: boolean | undefined;
  readonly bus: BusShape;
}
export type DeviceShape = EndpointShape | SwitchShape | PciBridgeShape;
export type BusShape = readonly DeviceShape[];

export interface PhbShape {
  readonly model: PhbModelKind;
  readonly id: number;
  readonly domain: number;
  readonly pePerDevice: boolean | undefined;
  readonly root: BusShape;
}

export interface MachineShape {
  readonly phbs: readonly PhbShape[];
}

export interface ArbMachineOptions {
  /** Most PHBs (default 3). */
  readonly maxPhbs?: number;
  /** Most levels of switches/bridges below a root port (default 2). */
  readonly maxDepth?: number;
  /** Most devices per bus (default 2). */
  readonly maxDevicesPerBus?: number;
}

const pow2 = (minLog: number, maxLog: number): fc.Arbitrary<number> => fc.integer({ min: minLog, max: maxLog }).map((n) => 2 ** n);

/** A BAR of any type with a legal size. */
export function arbBar(): fc.Arbitrary<BarOptions> {
  return fc.oneof(
    fc.record({ type: fc.constant("mem64" as const), size: pow2(4, 36), prefetchable: fc.boolean() }),
    fc.record({ type: fc.constant("mem32" as const), size: pow2(4, 28), prefetchable: fc.boolean() }),
    fc.record({ type: fc.constant("io" as const), size: pow2(2, 8), prefetchable: fc.constant(false) }),
  );
}

function arbEndpoint(): fc.Arbitrary<EndpointShape> {
  return fc
    .record(
      {
        vendorId: fc.integer({ min: 0, max: 0xfffe }),
        deviceId: fc.integer({ min: 0, max: 0xfffe }),
        classCode: fc.integer({ min: 0, max: 0xffffff }),
        bars: fc.array(arbBar(), { maxLength: 3 }),
        aer: fc.boolean(),
        pe: fc.option(fc.integer({ min: 0, max: 126 }), { nil: undefined }), // valid on both models
        label: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        functions: fc.integer({ min: 1, max: 3 }),
        sriov: fc.option(
          fc
            .record({ numVfs: fc.integer({ min: 0, max: 4 }), extra: fc.integer({ min: 0, max: 3 }), vfBars: fc.array(arbBar(), { maxLength: 2 }) })
            .map(({ numVfs, extra, vfBars }) => ({ numVfs, totalVfs: Math.max(1, numVfs + extra), vfBars })),
          { nil: undefined },
        ),
      },
      { requiredKeys: ["vendorId", "deviceId", "classCode", "bars", "aer", "functions"] },
    )
    .map((options) => ({ type: "endpoint" as const, options }));
}

function arbBus(depth: number, maxDevices: number): fc.Arbitrary<BusShape> {
  const endpoint = arbEndpoint();
  if (depth <= 0) return fc.array(endpoint, { maxLength: maxDevices });
  const below = arbBus(depth - 1, maxDevices);
  const pciBus = fc.array(endpoint, { maxLength: maxDevices }); // conventional PCI: endpoints only
  const pePerDevice = fc.option(fc.boolean(), { nil: undefined });
  const sw: fc.Arbitrary<SwitchShape> = fc.record({
    type: fc.constant("switch" as const),
    pePerDevice,
    ports: fc.array(below, { minLength: 1, maxLength: 2 }),
  });
  const bridge: fc.Arbitrary<PciBridgeShape> = fc.record({ type: fc.constant("pci-bridge" as const), pePerDevice, bus: pciBus });
  const device: fc.Arbitrary<DeviceShape> = fc.oneof({ weight: 3, arbitrary: endpoint }, { weight: 1, arbitrary: sw }, { weight: 1, arbitrary: bridge });
  return fc.array(device, { maxLength: maxDevices });
}

/** A machine shape: 1..maxPhbs PHBs with distinct ids and domains. */
export function arbMachineShape(options: ArbMachineOptions = {}): fc.Arbitrary<MachineShape> {
  const maxPhbs = options.maxPhbs ?? 3;
  const bus = arbBus(options.maxDepth ?? 2, options.maxDevicesPerBus ?? 2);
  return fc
    .uniqueArray(
      fc.record({
        id: fc.integer({ min: 0, max: 0xffff }),
        domain: fc.integer({ min: 0, max: 0xffff }),
        model: fc.constantFrom<PhbModelKind>("ioda1", "ioda2"),
        pePerDevice: fc.option(fc.boolean(), { nil: undefined }),
        root: bus,
      }),
      { minLength: 1, maxLength: maxPhbs, selector: (p) => p.id },
    )
    .filter((phbs) => new Set(phbs.map((p) => p.domain)).size === phbs.length)
    .map((phbs) => ({ phbs }));
}

/** Build a MachineSpec from a shape (throws TopologyError if the shape is impossible). */
export function buildMachine(shape: MachineShape): MachineSpec {
  const b = new MachineBuilder();
  for (const phb of shape.phbs) {
    b.phb({ model: phb.model, id: phb.id, domain: phb.domain, rootPort: { pePerDevice: phb.pePerDevice } }, (root) =>
      populate(root, phb.root),
    );
  }
  return b.build();
}

function populate(bus: BusBuilder, shape: BusShape): void {
  for (const d of shape) {
    if (d.type === "endpoint") bus.endpoint(d.options);
    else if (d.type === "switch") {
      bus.switch({ downstreamPorts: d.ports.length, downstream: { pePerDevice: d.pePerDevice } }, (ports) =>
        ports.forEach((p, i) => populate(p, d.ports[i]!)),
      );
    } else bus.pciBridge({ pePerDevice: d.pePerDevice }, (b) => populate(b, d.bus));
  }
}

/** A valid MachineSpec, built through the builder from a random shape. */
export function arbMachineSpec(options: ArbMachineOptions = {}): fc.Arbitrary<MachineSpec> {
  return arbMachineShape(options).map(buildMachine);
}
