// The host side of VFIO on an EEH machine (linux-eeh.md §5): the IOMMU groups the host
// offers, the containers guests open, which group each container holds, and what each
// guest is told. It watches the hardware for errors on PEs guests hold (while passed
// through, the host leaves them to their owner, §5.1), counts them in the owner's view
// and writes one rate-limited notice line for each. Everything a guest causes on the host
// log goes through HostLog.guestLine, with the (guest, PE) and global buckets; lines the
// EEH core and the platform write while serving a guest are attributed to it
// (guest-attribution.ts).
//
//   const vfio = new VfioHost(core);
//   const c = vfio.openContainer("vm1");
//   c.addGroup(vfio.groupOf("0000:04:00.0")!.id);
//   const dev = await c.openDevice("0000:04:00.0");          // eeh_dev_open
//   await c.eehPeOp({ op: VFIO_EEH_PE_GET_STATE });          // 0 = NORMAL

import type { EehCore } from "../eeh/eeh-core.js";
import type { LogLevel } from "../eeh/host-log.js";
import type { HwEvent } from "../ioda/machine-state.js";
import { formatPciAddress, parsePciAddress } from "../pci/address.js";
import type { EehPeRef } from "../platform/eeh-ops.js";
import { VfioContainer } from "./container.js";
import { DeviceIndex } from "./device-index.js";
import type { EehPeContext } from "./eeh-context.js";
import { GuestAttribution } from "./guest-attribution.js";
import { interpretDiagBlob, type DiagInterpreter } from "./guest-platform-log.js";
import { GuestView, type GuestEvent, type GuestViewSnapshot } from "./guest-view.js";
import { buildIommuGroups, type IommuGroup } from "./iommu-group.js";
import type { HostEndian } from "./pe-op-struct.js";
import { SerialLock } from "./serial-lock.js";

export interface VfioHostOptions {
  /** Devices of each IOMMU group; default one group per PE with non-bridge functions. */
  readonly groups?: ReadonlyArray<readonly string[]>;
  /** Byte order of the host, for ioctl structures given as bytes (default "little", ppc64le). */
  readonly endian?: HostEndian;
  /** PHB diag blob → interpretation blob (default: log/interpret's binary form). */
  readonly interpret?: DiagInterpreter;
  /** Recent events kept per guest (default 64). */
  readonly recentEvents?: number;
}

const key = (pe: EehPeRef): string => `${pe.phbId}:${pe.pe}`;

export class VfioHost {
  readonly groups: readonly IommuGroup[];
  readonly endian: HostEndian;
  readonly interpret: DiagInterpreter;
  /** The core, the device index and eeh_dev_mutex, for the EEH functions behind the ops. */
  readonly ctx: EehPeContext;
  readonly attribution: GuestAttribution;
  private readonly groupOfDevice = new Map<string, IommuGroup>();
  /** Every PE a group's devices sit in → that group. */
  private readonly groupOfPe = new Map<string, IommuGroup>();
  private readonly holders = new Map<number, VfioContainer>();
  private readonly views = new Map<string, GuestView>();
  private readonly all: VfioContainer[] = [];
  private readonly recentEvents: number;
  private readonly unlisten: () => void;

  constructor(
    readonly core: EehCore,
    options: VfioHostOptions = {},
  ) {
    this.groups = buildIommuGroups(core, options.groups);
    for (const g of this.groups) {
      for (const a of g.devices) {
        this.groupOfDevice.set(a, g);
        const d = core.devices.get(a)!;
        this.groupOfPe.set(key({ phbId: d.phbId, pe: d.pe }), g);
      }
    }
    this.endian = options.endian ?? "little";
    this.interpret = options.interpret ?? interpretDiagBlob;
    this.recentEvents = options.recentEvents ?? 64;
    this.ctx = { core, index: new DeviceIndex(core), devMutex: new SerialLock() };
    this.attribution = new GuestAttribution(core.log);
    this.unlisten = core.machine.onEvents((events) => this.hardwareEvents(events));
  }

  // ------------------------------------------------------------------ groups and containers

  group(id: number): IommuGroup | undefined {
    return this.groups[id];
  }

  /** The group of a device (`dddd:bb:dd.f`), if it has one. */
  groupOf(address: string): IommuGroup | undefined {
    return this.groupOfDevice.get(formatPciAddress(parsePciAddress(address)));
  }

  /** The group whose devices sit in `pe`, if any. */
  groupOfPeRef(pe: EehPeRef): IommuGroup | undefined {
    return this.groupOfPe.get(key(pe));
  }

  /** The container holding group `id`, if one does. */
  holderOf(id: number): VfioContainer | undefined {
    return this.holders.get(id);
  }

  /** The container holding the group of `pe`, if one does. */
  holderOfPe(pe: EehPeRef): VfioContainer | undefined {
    const g = this.groupOfPe.get(key(pe));
    return g ? this.holders.get(g.id) : undefined;
  }

  /** A guest opens /dev/vfio/vfio: a new, empty container. */
  openContainer(guest: string): VfioContainer {
    const c = new VfioContainer(this, guest, this.all.length);
    this.all.push(c);
    this.view(guest);
    return c;
  }

  /** Open containers (of one guest, or of all). */
  containers(guest?: string): VfioContainer[] {
    return this.all.filter((c) => !c.closed && (guest === undefined || c.guest === guest));
  }

  /** @internal Called by VfioContainer.addGroup / removeGroup. */
  setHolder(id: number, c: VfioContainer | undefined): void {
    if (c) this.holders.set(id, c);
    else this.holders.delete(id);
  }

  // ------------------------------------------------------------------ guests

  /** @internal The guest's event record (created on first use). */
  view(guest: string): GuestView {
    let v = this.views.get(guest);
    if (!v) this.views.set(guest, (v = new GuestView(guest, this.recentEvents)));
    return v;
  }

  /** What the guest can see of its events, and how many of its host lines were written or suppressed. */
  guestView(guest: string): GuestViewSnapshot {
    return this.view(guest).snapshot(this.core.log.guestCounts.get(guest));
  }

  /** @internal Record an event in a guest's view. */
  record(guest: string, e: Omit<GuestEvent, "time">): void {
    this.view(guest).record({ time: this.core.clock.now(), ...e });
  }

  /** Run `f` on behalf of `guest` (host lines it causes are charged to the guest). */
  asGuest<R>(guest: string, f: () => R): R {
    return this.attribution.asGuest(guest, f);
  }

  /** A host line a guest caused, through its rate limiter. */
  guestLine(guest: string, level: LogLevel, text: string, pe?: EehPeRef): boolean {
    return this.core.log.guestLine(guest, level, text, pe ? { phb: pe.phbId, pe: pe.pe } : {});
  }

  /** A host-internal line, never charged to a guest. */
  hostLine(level: LogLevel, text: string, pe?: EehPeRef): void {
    this.attribution.hostLine(level, text, pe ? { phb: pe.phbId, pe: pe.pe } : {});
  }

  // ------------------------------------------------------------------ hardware errors on held PEs

  /**
   * Freezes, fences and dead PHBs under PEs a guest holds: counted in the guest's view;
   * a PE that is passed through (a device open) also gets a notice line on the host, since
   * the host will not recover it (§5.1). A held PE with no device open is still the
   * host's to recover, and the host's recovery writes its own lines.
   */
  private hardwareEvents(events: readonly HwEvent[]): void {
    for (const e of events) {
      if (e.kind === "freeze") {
        for (const n of e.frozen) {
          const pe: EehPeRef = { phbId: e.phb, pe: n };
          const holder = this.holderOfPe(pe);
          if (!holder) continue;
          this.record(holder.guest, { kind: "freeze", pe, detail: e.error });
          if (this.core.isPassed(pe)) {
            this.guestLine(holder.guest, "warn", `EEH: Frozen passthrough ${this.core.peName(pe)} (${e.error}); recovery left to guest ${holder.guest}`, pe);
          }
        }
      } else if (e.kind === "fence" || e.kind === "dead") {
        const told = new Set<string>();
        for (const [id, c] of this.holders) {
          const g = this.groups[id]!;
          if (g.phbId !== e.phb) continue;
          const pe: EehPeRef = { phbId: g.phbId, pe: g.pe };
          this.record(c.guest, { kind: e.kind, pe, detail: e.kind === "fence" ? e.error : "PHB dead" });
          if (!told.has(c.guest)) {
            told.add(c.guest);
            this.guestLine(c.guest, "warn", `EEH: PHB#${this.core.phbNumber(e.phb)} ${e.kind === "fence" ? "fenced" : "dead"} under PEs held by guest ${c.guest}`, { phbId: e.phb, pe: "phb" });
          }
        }
      }
    }
  }

  /** Stop watching the machine and attributing host lines. */
  dispose(): void {
    this.unlisten();
    this.attribution.dispose();
  }
}
