// What a scenario run produced, as one plain-JSON document (`DIR/timeline.json`, `run
// --json`, and the input of the HTML report). Every time is virtual milliseconds since the
// run began. The document is self-describing: a reader needs nothing but this file (the
// platform logs carry their decoding and interpretation inline), so the report renders a
// run on a machine that never had the emulator.

/** Version of this document's shape; bump when a field changes meaning. */
export const TIMELINE_VERSION = 1;

/** What a PE is doing, as the report draws it. */
export type PeLaneState =
  | "normal"
  | "frozen" // MMIO and DMA both stopped
  | "frozen-mmio" // MMIO stopped, DMA flowing (or thawed half-way through recovery)
  | "frozen-dma" // DMA stopped, MMIO thawed (EEH thaws MMIO first to collect logs)
  | "resetting" // the EEH core (host or guest) holds the PE in reset
  | "fenced" // the whole PHB is fenced
  | "removed"; // its devices were removed (freeze limit, permanent failure) or the PHB is dead

export const PE_LANE_STATES: readonly PeLaneState[] = ["normal", "frozen", "frozen-mmio", "frozen-dma", "resetting", "fenced", "removed"];

/** One PE: a lane of the chart. `id` is Linux's name, `PHB#0-PE#fd`. */
export interface TimelinePe {
  readonly id: string;
  readonly phb: number;
  readonly pe: number;
  /** PE type names (bus, device, vf…) */
  readonly type: readonly string[];
  readonly devices: readonly string[];
  /** The guest that owns it (through a VFIO container), if any. */
  readonly owner?: string;
}

/** A PE held one state over [from, to). Segments of one PE never overlap and cover the run. */
export interface StateSegment {
  readonly pe: string;
  readonly from: number;
  readonly to: number;
  readonly state: PeLaneState;
}

export type TimelineEventKind =
  | "action" // a step of the scenario's timeline was performed
  | "hardware" // the PHB model froze, fenced, thawed…
  | "eeh" // a step of the EEH core (detected, driver answer, reset, recovered…)
  | "guest" // a guest did or saw something (VFIO op, RTAS call, recovery outcome)
  | "log" // a platform log was produced (see `logs`)
  | "expectation"; // an expectation was checked

export interface TimelineEvent {
  readonly t: number;
  /** Order among events at the same virtual time. */
  readonly seq: number;
  readonly kind: TimelineEventKind;
  readonly text: string;
  /** Linux PE name this event is about, if it is about one. */
  readonly pe?: string;
  readonly guest?: string;
  /** For kind "log": index into `logs`. */
  readonly log?: number;
  /** For kind "expectation": whether it held. */
  readonly ok?: boolean;
}

/** A log line, host or guest, at its virtual time. */
export interface TimelineLine {
  readonly t: number;
  /** "host" or "guest-<name>" (the name of the log file it goes to). */
  readonly source: string;
  readonly level: string;
  readonly line: string;
}

export type PlatformLogKind = "opal-diag" | "rtas" | "eehi";

/** A platform log blob and what it says. */
export interface TimelineLog {
  readonly index: number;
  readonly t: number;
  readonly kind: PlatformLogKind;
  /** Where it came from: "opal", "rtas", or "guest-<name>" for a log a guest fetched. */
  readonly source: string;
  readonly pe?: string;
  /** PCI domain of the PHB the log is about (Linux prints it as `PHB#<domain>`; the blob does not hold it). */
  readonly domain?: number;
  /** File name under `--out DIR/logs/`: `NNNN-<kind>.bin`. */
  readonly file: string;
  readonly size: number;
  readonly hex: string;
  /** One line: the interpretation's headline. */
  readonly headline: string;
  /** The decoded blob (codec JSON) and its interpretation (findings), as plain JSON. */
  readonly decoded: unknown;
  readonly interpretation: unknown;
}

export interface ExpectationResult {
  /** JSON path of the expectation in the scenario (`expect[2]`). */
  readonly path: string;
  readonly description: string;
  readonly ok: boolean;
  /** Why it failed, or what was seen. */
  readonly detail: string;
}

export interface Timeline {
  readonly version: typeof TIMELINE_VERSION;
  readonly scenario: {
    readonly name: string;
    readonly description?: string;
    readonly platform: "powernv" | "pseries" | "compare";
    readonly seed: number;
  };
  readonly phbs: ReadonlyArray<{ readonly id: number; readonly model: string; readonly chip: string; readonly numPes: number }>;
  readonly guests: ReadonlyArray<{ readonly name: string; readonly hypervisor: string; readonly outcome?: string }>;
  readonly pes: readonly TimelinePe[];
  readonly states: readonly StateSegment[];
  readonly events: readonly TimelineEvent[];
  readonly lines: readonly TimelineLine[];
  readonly logs: readonly TimelineLog[];
  readonly expectations: readonly ExpectationResult[];
  /** Virtual time at the end of the run. */
  readonly endTime: number;
  /** Wall-clock-free summary: did every expectation hold. */
  readonly ok: boolean;
}
