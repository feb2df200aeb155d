// The EEH core and powernv log lines (linux-eeh.md §7, powernv-opal.md §4.6) as typed
// events: a table of patterns, each turning one message body into one event. PHB and PE
// numbers are printed in hex (`PHB#%x-PE#%x`). Per-device lines carry the
// `PCI dddd:bb:dd.f#pppp: EEH: ` prefix (eeh_edev_info); newer kernels may number the
// recovery (`EEH(n): `), which is accepted and kept as `eventId`.

const HEX = "([0-9a-fA-F]{1,16})";
const DEC = "(-?\\d{1,20})";
const hex = (s: string | undefined): number => Number.parseInt(s ?? "", 16);
const dec = (s: string | undefined): number => Number.parseInt(s ?? "", 10);

/** Payload of each event kind (besides kind, line, timestamp). */
export interface EehEventPayloads {
  "frozen-pe": { phb: number; pe: number; source: "core" | "powernv" };
  "pe-location": { peLocation: string; phbLocation: string };
  "phb-location": { location: string };
  recovering: { phb: number; pe?: number; location?: string };
  "phb-failure": { phb: number; location: string };
  "fenced-phb": { phb: number; location: string };
  "dead-phb": { phb: number; location: string };
  "dead-ioc": Record<never, never>;
  "ioc-informative": Record<never, never>;
  "phb-informative": { phb: number; location: string };
  "clear-non-existing": { phb: number; pe: number };
  "empty-pe": { phb: number; pe: number };
  "handled-at-parent": { phb: number; pe: number; parentPhb: number; parentPe: number };
  "call-trace": Record<never, never>;
  "trace-frame": { address: string; symbol: string };
  "failed-n-times": { count: number; max: number };
  "permanently-disabled": { phb: number; pe: number; count: number };
  "notify-shutdown": Record<never, never>;
  beginning: { name: string };
  finished: { name: string; aggregate?: string };
  "driver-invoke": { address: string; pe: number; driver: string; callback: string; argument: string };
  "driver-report": { address: string; pe: number; driver: string; result: string };
  "driver-skip": { address: string; pe: number; reason: string };
  "permanent-failure": Record<never, never>;
  "collect-log": Record<never, never>;
  reset: { hotplug: boolean };
  "enable-io": Record<never, never>;
  "notify-resume-io": Record<never, never>;
  "enable-dma": Record<never, never>;
  resume: Record<never, never>;
  "recovery-successful": Record<never, never>;
  "recovery-failed": { phb: number; pe: number };
  "reseat-advice": Record<never, never>;
  "removing-device": { device: string };
  "reset-attempt": { phb: number; pe: number; attempt: number; outcome: "success" | "failure" | "slot-inactive"; error?: number; state?: number };
  "unrecoverable-slot": { phb: number; pe: number };
  "hotplug-sleep": { scope: "complete" | "partial" };
  "event-dropped": Record<never, never>;
  "platform-initialized": { platform: string };
  subsystem: { state: "enabled" | "no-adapters" | "disabled-by-parameter" };
  "unrecognized-iotype": { ioType: number };
  "diag-data-failure": { function: string; rc: number; phb: number };
  "no-pci-bus": { function: string; phb: number; pe: number };
  "reset-error": { function: string; err: number };
}

export type EehEventKind = keyof EehEventPayloads;

export interface EehEventMeta {
  /** 1-based line number. */
  readonly line: number;
  /** Seconds since boot, when the line had a `[ … ]` stamp. */
  readonly timestamp?: number;
  /** Wall-clock stamp as written, when the line had one. */
  readonly wallClock?: string;
  /** Recovery number of `EEH(n): ` lines. */
  readonly eventId?: number;
  /** The message body the event was read from. */
  readonly text: string;
}

type Body<K extends EehEventKind = EehEventKind> = { [P in K]: { readonly kind: P } & Readonly<EehEventPayloads[P]> }[K];

export type EehLogEvent = { [K in EehEventKind]: Body<K> & EehEventMeta }[EehEventKind];

/** "core": after `EEH: `; "device": after `PCI dddd:bb:dd.f#pe: EEH: `; "bare": whole body. */
type Scope = "core" | "device" | "bare";

interface Rule {
  readonly scope: Scope;
  readonly re: RegExp;
  readonly make: (m: RegExpExecArray, dev: { address: string; pe: number }) => Body;
}

const rule = (scope: Scope, re: string, make: Rule["make"]): Rule => ({ scope, re: new RegExp(`^${re}$`), make });
/** Kinds whose event carries nothing but the fact that the line was printed. */
type BareKind = { [K in EehEventKind]: keyof EehEventPayloads[K] extends never ? K : never }[EehEventKind];
const simple = (text: string, kind: BareKind): Rule => rule("core", escape(text), () => ({ kind }) as Body);

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const RULES: readonly Rule[] = [
  rule("core", `Frozen PE#${HEX} on PHB#${HEX} detected`, (m) => ({ kind: "frozen-pe", pe: hex(m[1]), phb: hex(m[2]), source: "powernv" })),
  rule("core", `(?:\\w{1,64}: )?Frozen PHB#${HEX}-PE#${HEX} detected`, (m) => ({ kind: "frozen-pe", phb: hex(m[1]), pe: hex(m[2]), source: "core" })),
  rule("core", `Frozen PHB#${HEX}-PE#${HEX} is empty!`, (m) => ({ kind: "empty-pe", phb: hex(m[1]), pe: hex(m[2]) })),
  rule("core", `PE location: (.{0,200}), PHB location: (.{0,200})`, (m) => ({ kind: "pe-location", peLocation: m[1] ?? "", phbLocation: m[2] ?? "" })),
  rule("core", `PHB location: (.{0,200})`, (m) => ({ kind: "phb-location", location: m[1] ?? "" })),
  rule("core", `Recovering PHB#${HEX}-PE#${HEX}`, (m) => ({ kind: "recovering", phb: hex(m[1]), pe: hex(m[2]) })),
  rule("core", `Recovering PHB#${HEX}, location: (.{0,200})`, (m) => ({ kind: "recovering", phb: hex(m[1]), location: m[2] ?? "" })),
  rule("core", `PHB#${HEX} failure detected, location: (.{0,200})`, (m) => ({ kind: "phb-failure", phb: hex(m[1]), location: m[2] ?? "" })),
  rule("core", `Fenced PHB#${HEX} detected, location: (.{0,200})`, (m) => ({ kind: "fenced-phb", phb: hex(m[1]), location: m[2] ?? "" })),
  rule("core", `dead PHB#${HEX} detected, location: (.{0,200})`, (m) => ({ kind: "dead-phb", phb: hex(m[1]), location: m[2] ?? "" })),
  simple("dead IOC detected", "dead-ioc"),
  simple("IOC informative error detected", "ioc-informative"),
  rule("core", `PHB#${HEX} informative error detected, location: (.{0,200})`, (m) => ({ kind: "phb-informative", phb: hex(m[1]), location: m[2] ?? "" })),
  rule("core", `Clear non-existing PHB#${HEX}-PE#${HEX}`, (m) => ({ kind: "clear-non-existing", phb: hex(m[1]), pe: hex(m[2]) })),
  rule("core", `Failure of PHB#${HEX}-PE#${HEX} will be handled at parent PHB#${HEX}-PE#${HEX}\\.`, (m) => ({
    kind: "handled-at-parent",
    phb: hex(m[1]),
    pe: hex(m[2]),
    parentPhb: hex(m[3]),
    parentPe: hex(m[4]),
  })),
  simple("Call Trace:", "call-trace"),
  rule("core", `\\[([^\\]]{1,40})\\] (.{1,300})`, (m) => ({ kind: "trace-frame", address: m[1] ?? "", symbol: m[2] ?? "" })),
  rule("core", `This PCI device has failed ${DEC} times in the last hour and will be permanently disabled after ${DEC} failures\\.`, (m) => ({
    kind: "failed-n-times",
    count: dec(m[1]),
    max: dec(m[2]),
  })),
  rule("core", `PHB#${HEX}-PE#${HEX} has failed ${DEC} times in the last hour and has been permanently disabled\\.`, (m) => ({
    kind: "permanently-disabled",
    phb: hex(m[1]),
    pe: hex(m[2]),
    count: dec(m[3]),
  })),
  simple("Notify device drivers to shutdown", "notify-shutdown"),
  rule("core", `Beginning: '(.{0,100})'`, (m) => ({ kind: "beginning", name: m[1] ?? "" })),
  rule("core", `Finished:'([^']{0,100})' with aggregate recovery state:'([^']{0,100})'`, (m) => ({ kind: "finished", name: m[1] ?? "", aggregate: m[2] ?? "" })),
  rule("core", `Finished:'([^']{0,100})'`, (m) => ({ kind: "finished", name: m[1] ?? "" })),
  simple("Permanent failure", "permanent-failure"),
  simple("Collect temporary log", "collect-log"),
  rule("core", "Reset (with|without) hotplug activity", (m) => ({ kind: "reset", hotplug: m[1] === "with" })),
  simple("Enable I/O for affected devices", "enable-io"),
  simple("Notify device drivers to resume I/O", "notify-resume-io"),
  simple("Enabled DMA for affected devices", "enable-dma"),
  simple("Notify device driver to resume", "resume"),
  simple("Recovery successful.", "recovery-successful"),
  rule("core", `Unable to recover from failure from PHB#${HEX}-PE#${HEX}\\.`, (m) => ({ kind: "recovery-failed", phb: hex(m[1]), pe: hex(m[2]) })),
  rule("core", `Removing (\\S{1,64}) without EEH sensitive driver`, (m) => ({ kind: "removing-device", device: m[1] ?? "" })),
  rule("core", `Failure ${DEC} resetting PHB#${HEX}-PE#${HEX} \\(attempt ${DEC}\\)`, (m) => ({
    kind: "reset-attempt",
    error: dec(m[1]),
    phb: hex(m[2]),
    pe: hex(m[3]),
    attempt: dec(m[4]),
    outcome: "failure",
  })),
  rule("core", `PHB#${HEX}-PE#${HEX}: Successful reset \\(attempt ${DEC}\\)`, (m) => ({
    kind: "reset-attempt",
    phb: hex(m[1]),
    pe: hex(m[2]),
    attempt: dec(m[3]),
    outcome: "success",
  })),
  rule("core", `PHB#${HEX}-PE#${HEX}: Slot inactive after reset: 0x${HEX} \\(attempt ${DEC}\\)`, (m) => ({
    kind: "reset-attempt",
    phb: hex(m[1]),
    pe: hex(m[2]),
    state: hex(m[3]),
    attempt: dec(m[4]),
    outcome: "slot-inactive",
  })),
  rule("core", `Unrecoverable slot failure on PHB#${HEX}-PE#${HEX}`, (m) => ({ kind: "unrecoverable-slot", phb: hex(m[1]), pe: hex(m[2]) })),
  rule("core", "Sleep 5s ahead of (complete|partial) hotplug", (m) => ({ kind: "hotplug-sleep", scope: m[1] === "partial" ? "partial" : "complete" })),
  simple("Event dropped due to no_recover setting", "event-dropped"),
  rule("core", "(PowerNV|pSeries) platform initialized", (m) => ({ kind: "platform-initialized", platform: m[1] ?? "" })),
  rule("core", "Capable adapter found: recovery enabled\\.", () => ({ kind: "subsystem", state: "enabled" })),
  rule("core", "No capable adapters found: recovery disabled\\.", () => ({ kind: "subsystem", state: "no-adapters" })),
  rule("core", "Recovery disabled by kernel parameter\\.", () => ({ kind: "subsystem", state: "disabled-by-parameter" })),

  rule("device", "Invoking (\\S{1,64})->(\\w{1,32})\\((.{0,64})\\)", (m, dev) => ({
    kind: "driver-invoke",
    ...dev,
    driver: m[1] ?? "",
    callback: m[2] ?? "",
    argument: m[3] ?? "",
  })),
  rule("device", "(\\S{1,64}) driver reports: '([^']{0,64})'", (m, dev) => ({ kind: "driver-report", ...dev, driver: m[1] ?? "", result: m[2] ?? "" })),
  rule("device", "(no device|no driver|driver not EEH aware|driver bound too late|not actionable \\(\\d,\\d,\\d\\))", (m, dev) => ({
    kind: "driver-skip",
    ...dev,
    reason: m[1] ?? "",
  })),

  rule("bare", "Please try reseating or replacing it", () => ({ kind: "reseat-advice" })),
  rule("bare", `pnv_pci_dump_phb_diag_data: Unrecognized ioType ${DEC}`, (m) => ({ kind: "unrecognized-iotype", ioType: dec(m[1]) })),
  rule("bare", `(\\w{1,64}): Failure ${DEC} getting PHB#${HEX} diag-data`, (m) => ({ kind: "diag-data-failure", function: m[1] ?? "", rc: dec(m[2]), phb: hex(m[3]) })),
  rule("bare", `(\\w{1,64}): Cannot find PCI bus for PHB#${HEX}-PE#${HEX}`, (m) => ({ kind: "no-pci-bus", function: m[1] ?? "", phb: hex(m[2]), pe: hex(m[3]) })),
  rule("bare", `(\\w{1,64}): (?:Unable|Cannot) (?:to )?reset, err=${DEC}`, (m) => ({ kind: "reset-error", function: m[1] ?? "", err: dec(m[2]) })),
];

const CORE = /^EEH(?:\((\d{1,10})\))?: (.*)$/;
const DEVICE = /^PCI ([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])#([0-9a-fA-F]{1,8}): EEH: (.*)$/;

/** The event a message body reports, or undefined for a line that is not an EEH line. */
export function parseEehEventLine(body: string, meta: Omit<EehEventMeta, "text" | "eventId">): EehLogEvent | undefined {
  const text = body.trim();
  let scope: Scope = "bare";
  let rest = text;
  let dev = { address: "", pe: 0 };
  let eventId: number | undefined;
  let m: RegExpExecArray | null;
  if ((m = CORE.exec(text))) {
    scope = "core";
    rest = m[2] ?? "";
    if (m[1] !== undefined) eventId = Number(m[1]);
  } else if ((m = DEVICE.exec(text))) {
    scope = "device";
    rest = m[3] ?? "";
    dev = { address: m[1] ?? "", pe: hex(m[2]) };
  }
  for (const r of RULES) {
    if (r.scope !== scope) continue;
    const hit = r.re.exec(rest);
    if (hit) return { ...r.make(hit, dev), ...meta, ...(eventId !== undefined ? { eventId } : {}), text } as EehLogEvent;
  }
  return undefined;
}
