// Watches a running world and writes the timeline: each PE's state whenever it changes, the
// hardware's events, the EEH core's steps, host and guest log lines, and every platform log.
// The runner calls `sample()` after each burst of work at one virtual time (everything that
// happens at time t happens in promise continuations before the next timer fires), so a
// state that lasts any virtual time is recorded; the events say what happened in between.

import { hex } from "../core/bits.js";
import { EEH_PE_RESET } from "../ioda/pe/pe-flags.js";
import { peTypeNames } from "../ioda/pe/pe-flags.js";
import { isFenced } from "../ioda/phb-engine.js";
import type { HwEvent } from "../ioda/machine-state.js";
import { formatPciAddress, addressFromRid } from "../pci/address.js";
import type { EehEvent } from "../eeh/eeh-core.js";
import { decodePlatformLog } from "./platform-logs.js";
import { peName, refName } from "./machine.js";
import type { World } from "./world.js";
import type { PeLaneState, PlatformLogKind, StateSegment, TimelineEvent, TimelineEventKind, TimelineLine, TimelineLog, TimelinePe } from "./timeline.js";

export interface RawLog {
  readonly t: number;
  readonly kind: PlatformLogKind;
  readonly source: string;
  readonly pe?: string;
  readonly domain?: number;
  readonly bytes: Uint8Array;
}

interface Lane {
  readonly pe: TimelinePe;
  state: PeLaneState;
  since: number;
}

export class Recorder {
  readonly lanes: Lane[] = [];
  readonly segments: StateSegment[] = [];
  readonly events: TimelineEvent[] = [];
  readonly logs: TimelineLog[] = [];
  readonly raw: RawLog[] = [];
  private seq = 0;
  private coreSeen = 0;
  private coreLogsSeen = 0;
  private readonly unlisten: () => void;
  /**
   * PEs a guest holds in reset: from its RESET_HOT/RESET_FUNDAMENTAL until its
   * RESET_DEACTIVATE returns. Linux's eeh_pe_reset marks no PE flag for this (the PE just
   * stays isolated), so the guest's own calls are what says the PE is resetting.
   */
  readonly heldInReset = new Set<string>();

  constructor(private readonly w: World) {
    const m = w.machine;
    const owners = new Map<string, string>();
    for (const [name, g] of w.guests) for (const a of g.devices.keys()) owners.set(peName(m.peOf(a)), name);
    for (const [phb, pl] of m.layout.phbs) {
      for (const p of pl.plan.pes) {
        const id = peName({ phb, pe: p.pe });
        const devices = p.rids.map((rid) => w.names.describe(formatPciAddress(addressFromRid(pl.spec.domain, rid))));
        const owner = owners.get(id);
        const pe: TimelinePe = { id, phb, pe: p.pe, type: peTypeNames(p.eehType), devices, ...(owner ? { owner } : {}) };
        this.lanes.push({ pe, state: this.stateOf(pe), since: w.clock.now() });
      }
    }
    this.unlisten = m.onEvents((evs) => {
      for (const e of evs) this.hardware(e);
    });
  }

  /** What a PE is doing now, from the PHB's registers and the EEH core's PE flags. */
  private stateOf(p: TimelinePe): PeLaneState {
    const { machine: m, core } = this.w;
    const hw = m.phbState(p.phb).hw;
    if (hw.broken) return "removed";
    if (isFenced(hw)) return "fenced";
    const devs = core.devicesOf({ phbId: p.phb, pe: p.pe }).filter((d) => d.pe === p.pe);
    if (devs.length > 0 && devs.every((d) => !d.present)) return "removed";
    if (this.heldInReset.has(p.id) || core.pe({ phbId: p.phb, pe: p.pe }).state & EEH_PE_RESET) return "resetting";
    const f = m.peFreezeState(p.phb, p.pe);
    return f.mmio && f.dma ? "frozen" : f.mmio ? "frozen-mmio" : f.dma ? "frozen-dma" : "normal";
  }

  event(t: number, kind: TimelineEventKind, text: string, extra: Partial<Pick<TimelineEvent, "pe" | "guest" | "log" | "ok">> = {}): void {
    this.events.push({ t, seq: this.seq++, kind, text, ...extra });
  }

  private hardware(e: HwEvent): void {
    const t = this.w.clock.now();
    const phb = `PHB#${e.phb.toString(16)}`;
    switch (e.kind) {
      case "freeze": {
        const others = e.frozen.filter((p) => p !== e.pe).map((p) => `PE#${p.toString(16)}`);
        const by = e.rid !== undefined ? ` by ${e.rid.toString(16).padStart(4, "0")}` : "";
        const at = e.address !== undefined ? ` at 0x${e.address.toString(16)}` : "";
        this.event(t, "hardware", `${peName({ phb: e.phb, pe: e.pe })} frozen: ${e.error}${by}${at}${others.length ? ` (PELT-V also freezes ${others.join(" ")})` : ""}`, { pe: peName({ phb: e.phb, pe: e.pe }) });
        break;
      }
      case "fence":
        this.event(t, "hardware", `${phb} fenced: ${e.error}`);
        break;
      case "dead":
        this.event(t, "hardware", `${phb} is dead (no longer responds)`);
        break;
      case "error-logged":
        this.event(t, "hardware", `${phb} logged ${e.error} (PE#${e.pe.toString(16)}, no freeze)`);
        break;
      case "link-down":
        this.event(t, "hardware", `${phb} link down below port ${hex(e.port, 4)}${e.permanent ? " (permanent)" : ""}`);
        break;
      case "link-up":
        this.event(t, "hardware", `${phb} link up below port ${hex(e.port, 4)}`);
        break;
      case "aer":
        this.event(t, "hardware", `${phb} AER: RID ${hex(e.rid, 4)} uncorrectable status 0x${hex(e.bit, 8)} (${e.severity})`);
        break;
      case "inject-armed":
        this.event(t, "hardware", `${phb} error injection armed for PE#${e.pe.toString(16)}`);
        break;
      case "reset":
        this.event(t, "hardware", `${phb} ${e.scope === "phb" ? "complete PHB reset" : `bus reset below ${hex(e.bridge ?? 0, 4)}`}`);
        break;
    }
  }

  private eeh(e: EehEvent): void {
    const pe = e.pe ? refName(e.pe) : undefined;
    const dev = e.device ? ` ${this.w.names.describe(e.device)}` : "";
    const text = `EEH ${e.step}${pe ? ` ${pe}` : ""}${dev}${e.result !== undefined ? `: ${e.result}` : ""}${e.detail ? ` (${e.detail})` : ""}`;
    this.event(e.time, "eeh", text, pe ? { pe } : {});
  }

  /** Add a platform log (decoded now, so a bad blob is reported while the run is still going). */
  addLog(raw: RawLog): void {
    const index = this.logs.length;
    const d = decodePlatformLog(raw.kind, raw.bytes);
    const file = `logs/${String(index + 1).padStart(4, "0")}-${raw.kind}.bin`;
    this.raw.push(raw);
    this.logs.push({
      index,
      t: raw.t,
      kind: raw.kind,
      source: raw.source,
      ...(raw.pe ? { pe: raw.pe } : {}),
      ...(raw.domain !== undefined ? { domain: raw.domain } : {}),
      file,
      size: raw.bytes.length,
      hex: Buffer.from(raw.bytes).toString("hex"),
      headline: d.headline,
      decoded: d.decoded,
      interpretation: d.interpretation,
    });
    this.event(raw.t, "log", `${raw.kind} log from ${raw.source}${raw.pe ? ` for ${raw.pe}` : ""}: ${d.headline}`, { log: index, ...(raw.pe ? { pe: raw.pe } : {}) });
  }

  /** The PCI domain of a PHB (what Linux prints after PHB#). */
  domainOf(phbId: number): number | undefined {
    return this.w.machine.layout.phbs.get(phbId)?.spec.domain;
  }

  /** Pull what the core and the host log wrote since last time, and record state changes. */
  sample(): void {
    const { core, clock } = this.w;
    for (; this.coreSeen < core.events.length; this.coreSeen++) this.eeh(core.events[this.coreSeen]!);
    for (; this.coreLogsSeen < core.logs.length; this.coreLogsSeen++) {
      const l = core.logs[this.coreLogsSeen]!;
      this.addLog({ t: l.time, kind: l.log.kind, source: l.log.kind === "rtas" ? "rtas" : "opal", pe: refName(l.pe), domain: this.domainOf(l.pe.phbId), bytes: l.log.bytes });
    }
    const now = clock.now();
    for (const lane of this.lanes) {
      const s = this.stateOf(lane.pe);
      if (s === lane.state) continue;
      if (now > lane.since) this.segments.push({ pe: lane.pe.id, from: lane.since, to: now, state: lane.state });
      lane.state = s;
      lane.since = now;
    }
  }

  /** Host log lines, in order (the host log keeps them; we only convert). */
  hostLines(): TimelineLine[] {
    const recs = this.w.log.records;
    return recs.map((r) => ({ t: r.time, source: "host", level: r.level, line: r.line }));
  }

  /** Close every lane at `end` and stop listening. */
  finish(end: number): StateSegment[] {
    this.sample();
    this.unlisten();
    for (const lane of this.lanes) {
      this.segments.push({ pe: lane.pe.id, from: lane.since, to: Math.max(end, lane.since), state: lane.state });
      lane.since = end;
    }
    const lane = new Map(this.lanes.map((l, i) => [l.pe.id, i]));
    const sorted = [...this.segments].sort((a, b) => (a.pe === b.pe ? a.from - b.from : lane.get(a.pe)! - lane.get(b.pe)!));
    // A state that lasted no virtual time is not drawn, so its neighbours may now meet:
    // one segment per stretch of one state.
    const merged: StateSegment[] = [];
    for (const seg of sorted) {
      const prev = merged.at(-1);
      if (prev && prev.pe === seg.pe && prev.state === seg.state && prev.to === seg.from) merged[merged.length - 1] = { ...prev, to: seg.to };
      else merged.push(seg);
    }
    return merged;
  }
}

/** The state a PE was in at time t (the last state it entered at or before t). */
export function stateAt(segments: readonly StateSegment[], pe: string, t: number): PeLaneState | undefined {
  let found: PeLaneState | undefined;
  for (const x of segments) if (x.pe === pe && x.from <= t) found = x.state;
  return found;
}
