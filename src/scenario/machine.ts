// A scenario's machine tree → MachineSpec (through MachineBuilder, which numbers buses the
// way Linux enumerates them), and names in the scenario ("nvme0", "0000:04:00.0",
// "PHB#0-PE#fa") → what they mean on the built machine.

import { EehError } from "../core/errors.js";
import { formatPciAddress } from "../pci/address.js";
import { MachineBuilder, type BusBuilder, type EndpointOptions } from "../pci/builder.js";
import type { MachineSpec } from "../pci/topology.js";
import type { Machine } from "../ioda/machine.js";
import type { EndpointNode, Scenario, TopologyNode } from "./schema.js";

export function buildMachineSpec(machine: NonNullable<Scenario["machine"]>): MachineSpec {
  const b = new MachineBuilder();
  for (const phb of machine.phbs) {
    b.phb(
      {
        model: phb.model,
        ...(phb.id !== undefined ? { id: phb.id } : {}),
        ...(phb.domain !== undefined ? { domain: phb.domain } : {}),
        ...(phb.location !== undefined ? { location: phb.location } : {}),
        ...(phb.rootPort ? { rootPort: phb.rootPort } : {}),
      },
      (root) => populate(root, phb.devices),
    );
  }
  return b.build();
}

function endpointOptions(n: EndpointNode): EndpointOptions {
  const { type: _type, sriov, functions, ...rest } = n;
  void _type;
  return {
    ...rest,
    ...(functions !== undefined ? { functions } : {}),
    ...(sriov ? { sriov: { numVfs: sriov.numVfs, ...(sriov.totalVfs !== undefined ? { totalVfs: sriov.totalVfs } : {}) } } : {}),
  } as EndpointOptions;
}

function populate(bus: BusBuilder, nodes: readonly TopologyNode[]): void {
  for (const n of nodes) {
    switch (n.type) {
      case "endpoint":
        bus.endpoint(endpointOptions(n));
        break;
      case "switch":
        bus.switch(
          {
            downstreamPorts: n.ports.length,
            ...(n.label !== undefined ? { upstream: { label: n.label } } : {}),
            ...(n.pePerDevice !== undefined ? { downstream: { pePerDevice: n.pePerDevice } } : {}),
          },
          (ports) => n.ports.forEach((nodesBelow, i) => populate(ports[i]!, nodesBelow)),
        );
        break;
      case "pci-bridge":
        bus.pciBridge({ ...(n.label !== undefined ? { label: n.label } : {}), ...(n.pe !== undefined ? { pe: n.pe } : {}) }, (below) => populate(below, n.devices));
        break;
    }
  }
}

/** A name in the scenario that names nothing on the machine; `path` is where it was written. */
export class UnknownNameError extends EehError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super("NOT_FOUND", message, { path });
  }
}

export interface PeId {
  readonly phb: number;
  readonly pe: number;
}

export const peName = (p: PeId): string => `PHB#${p.phb.toString(16)}-PE#${p.pe.toString(16)}`;

/** Linux's name of an EEH core PE reference (the PHB PE has no PE number). */
export const refName = (r: { readonly phbId: number; readonly pe: number | "phb" }): string => (r.pe === "phb" ? `PHB#${r.phbId.toString(16)}` : peName({ phb: r.phbId, pe: r.pe }));
const PE_NAME = /^PHB#([0-9a-f]+)-PE#([0-9a-f]+)$/i;

/** Labels and addresses of the machine's functions, and the PEs they sit in. */
export class Names {
  private readonly byName = new Map<string, string>();
  private readonly labels = new Map<string, string>();

  constructor(private readonly m: Machine) {
    for (const phb of m.spec.phbs) {
      for (const f of phb.functions) {
        const a = formatPciAddress(f.address);
        this.byName.set(a, a);
        if (f.label !== undefined) {
          this.byName.set(f.label, a);
          this.labels.set(a, f.label);
        }
      }
    }
  }

  /** "nvme0" or "0000:04:00.0" → "0000:04:00.0". */
  device(ref: string, path: string): string {
    const a = this.byName.get(ref) ?? this.byName.get(ref.toLowerCase());
    if (a === undefined) throw new UnknownNameError(`no device "${ref}" (name it by label or dddd:bb:dd.f address)`, path);
    return a;
  }

  /** "0000:04:00.0 (nvme0)" */
  describe(address: string): string {
    const l = this.labels.get(address);
    return l ? `${address} (${l})` : address;
  }

  label(address: string): string | undefined {
    return this.labels.get(address);
  }

  /** "PHB#0-PE#fa", or a device in the PE. */
  pe(ref: string, path: string): PeId {
    const m = PE_NAME.exec(ref);
    if (m) {
      const phb = Number.parseInt(m[1]!, 16);
      const pe = Number.parseInt(m[2]!, 16);
      if (!this.m.layout.phbs.has(phb)) throw new UnknownNameError(`no PHB#${m[1]} on this machine`, path);
      const plan = this.m.layout.phbs.get(phb)!.plan;
      if (!plan.pes.some((p) => p.pe === pe)) throw new UnknownNameError(`PE#${m[2]} is not one of PHB#${m[1]}'s PEs (${plan.pes.map((p) => `PE#${p.pe.toString(16)}`).join(", ")})`, path);
      return { phb, pe };
    }
    const { phb, pe } = this.m.peOf(this.device(ref, path));
    return { phb, pe };
  }

  phb(id: number, path: string): number {
    if (!this.m.layout.phbs.has(id)) throw new UnknownNameError(`no PHB ${id} on this machine (PHBs: ${[...this.m.layout.phbs.keys()].join(", ")})`, path);
    return id;
  }
}
