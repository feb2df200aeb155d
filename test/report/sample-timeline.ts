// A hand-built Timeline of a realistic PowerNV run, for the report tests:
//
//   PHB#0 (PHB3, IODA2):  PE#fa  nvme0 (host)          DMA IOMMU fault at 1 s → recovered;
//                                                       fails again an hour later → recovered
//                         PE#fb  two functions, vm1     MMIO UR at 2 s, the guest recovers it
//                         PE#fd  the switch (bus PE)    stays normal
//   PHB#1 (P7IOC, IODA1): PE#7a  eth0 (host)            PHB fence at 3 s → complete reset → normal
//                         PE#7b  eth1 (host)            same fence; its driver cannot recover: removed
//
// The platform logs are real: the emulated PHB diag blobs under fixtures/opal/emulated,
// decoded and interpreted with the project's codecs, plus the interpretation blob ("eehi")
// the guest fetched for its PE.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toJsonValue } from "../../src/core/json.js";
import { decodePhbDiag } from "../../src/log/opal/index.js";
import { decodeInterpretation, encodeInterpretation, interpretPhbDiag, interpretationToJson } from "../../src/log/interpret/index.js";
import type { PlatformLogKind, StateSegment, Timeline, TimelineEvent, TimelineLine, TimelineLog } from "../../src/scenario/timeline.js";

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/opal/emulated/${name}`, import.meta.url))));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function diagLog(index: number, t: number, blob: string, pe: string | undefined): TimelineLog {
  const bytes = fixture(blob);
  const data = decodePhbDiag(bytes);
  const interp = interpretPhbDiag(data);
  return {
    index,
    t,
    kind: "opal-diag",
    source: "opal",
    ...(pe !== undefined ? { pe } : {}),
    file: `logs/${String(index).padStart(4, "0")}-opal-diag.bin`,
    size: bytes.length,
    hex: hexOf(bytes),
    headline: interp.headline,
    decoded: toJsonValue(data),
    interpretation: interpretationToJson(interp),
  };
}

function eehiLog(index: number, t: number, blob: string, pe: string, guest: string): TimelineLog {
  const interp = interpretPhbDiag(decodePhbDiag(fixture(blob)));
  const bytes = encodeInterpretation(interp);
  const json = interpretationToJson(decodeInterpretation(bytes));
  const kind: PlatformLogKind = "eehi";
  return {
    index,
    t,
    kind,
    source: `guest-${guest}`,
    pe,
    file: `logs/${String(index).padStart(4, "0")}-eehi.bin`,
    size: bytes.length,
    hex: hexOf(bytes),
    headline: interp.headline,
    decoded: json,
    interpretation: json,
  };
}

const HOUR = 3_600_000;
const END = HOUR + 9_000;

/** Segments for one PE from its state changes ([t, state] pairs, first at 0), up to END. */
function segments(pe: string, changes: ReadonlyArray<readonly [number, StateSegment["state"]]>): StateSegment[] {
  return changes.map(([from, state], i) => ({ pe, from, to: changes[i + 1]?.[0] ?? END, state }));
}

const FA = "PHB#0-PE#fa";
const FB = "PHB#0-PE#fb";
const FD = "PHB#0-PE#fd";
const P7A = "PHB#1-PE#7a";
const P7B = "PHB#1-PE#7b";

/** A fresh copy of the sample (tests may change it). */
export function sampleTimeline(): Timeline {
  const logs: TimelineLog[] = [
    diagLog(0, 1000, "ioda2-dma-access-fault.bin", FA),
    diagLog(1, 2000, "ioda2-mmio-ur.bin", FB),
    eehiLog(2, 2150, "ioda2-mmio-ur.bin", FB, "vm1"),
    diagLog(3, 3000, "ioda1-fence.bin", undefined),
    diagLog(4, HOUR + 5000, "ioda2-dma-access-fault.bin", FA),
  ];

  let seq = 0;
  const ev = (t: number, kind: TimelineEvent["kind"], text: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({ t, seq: seq++, kind, text, ...extra });
  const events: TimelineEvent[] = [
    ev(1000, "action", "bad-dma nvme0 (0000:04:00.0) to 0x10: write through an invalid TCE", { pe: FA }),
    ev(1000, "hardware", "PHB#0 froze PE#fa: DMA TCE access fault (MMIO and DMA stopped)", { pe: FA }),
    ev(1000, "log", "OPAL PHB diag data for PHB#0", { pe: FA, log: 0 }),
    ev(1000, "eeh", "EEH: Frozen PHB#0-PE#fa detected (nvme0 read returned all-ones)", { pe: FA }),
    ev(1001, "eeh", "MMIO thawed to collect logs; DMA stays stopped", { pe: FA }),
    ev(1002, "eeh", "nvme0 error_detected(IO frozen) → need reset", { pe: FA }),
    ev(1002, "eeh", "PE reset: hold 250 ms, settle 1.5 s", { pe: FA }),
    ev(2000, "action", "guest vm1: MMIO load from BAR0+0x2000 of 0000:05:00.0 (unsupported request)", { pe: FB, guest: "vm1" }),
    ev(2000, "hardware", "PHB#0 froze PE#fb: MMIO UR", { pe: FB }),
    ev(2000, "log", "OPAL PHB diag data for PHB#0", { pe: FB, log: 1 }),
    ev(2100, "guest", "vm1: ibm,read-slot-reset-state2 → 1 (MMIO and DMA stopped)", { pe: FB, guest: "vm1" }),
    ev(2150, "guest", "vm1: fetched the PE's error log (interpretation blob)", { pe: FB, guest: "vm1", log: 2 }),
    ev(2150, "log", "interpretation blob for vm1", { pe: FB, guest: "vm1", log: 2 }),
    ev(2300, "guest", "vm1: ibm,set-slot-reset hot reset", { pe: FB, guest: "vm1" }),
    ev(2752, "eeh", "nvme0 slot_reset → recovered; resume", { pe: FA }),
    ev(2752, "eeh", "EEH: Recovery successful for PHB#0-PE#fa", { pe: FA }),
    ev(2800, "guest", "vm1: PE recovered, driver resumed", { pe: FB, guest: "vm1" }),
    ev(3000, "action", "inject a PHB fence on PHB#1 (AIB fence)"),
    ev(3000, "hardware", "PHB#1 fenced: every PE stopped until a complete reset"),
    ev(3000, "log", "OPAL PHB diag data for PHB#1", { log: 3 }),
    ev(3001, "eeh", "EEH: PHB#1 failure detected; complete reset", { pe: P7A }),
    ev(4500, "eeh", "eth1 error_detected → disconnect: removing 0001:05:00.0", { pe: P7B }),
    ev(4500, "eeh", "EEH: Recovery successful for PHB#1-PE#7a", { pe: P7A }),
    ev(HOUR + 5000, "action", "bad-dma nvme0 again, an hour later (freeze count reset by the window)", { pe: FA }),
    ev(HOUR + 5000, "hardware", "PHB#0 froze PE#fa: DMA TCE access fault", { pe: FA }),
    ev(HOUR + 5000, "log", "OPAL PHB diag data for PHB#0", { pe: FA, log: 4 }),
    ev(HOUR + 5000, "eeh", "EEH: Frozen PHB#0-PE#fa detected (freeze count 1 in the last hour)", { pe: FA }),
    ev(HOUR + 6752, "eeh", "EEH: Recovery successful for PHB#0-PE#fa", { pe: FA }),
    ev(END, "expectation", "PHB#0-PE#fa is normal at the end", { pe: FA, ok: true }),
    ev(END, "expectation", "PHB#1-PE#7b was removed", { pe: P7B, ok: true }),
    ev(END, "expectation", "vm1 recovered its PE", { guest: "vm1", ok: true }),
  ];

  const lines: TimelineLine[] = [];
  const host = (t: number, level: string, line: string) => lines.push({ t, source: "host", level, line });
  host(0, "info", "EEH: PowerNV platform initialized");
  host(1000, "err", "EEH: Frozen PHB#0-PE#fa detected");
  host(1000, "err", "EEH: Call Trace:");
  host(1000, "err", "EEH: [eeh-emu] nvme_read_reg+0x24 (0000:04:00.0 BAR0+0x1c)");
  host(1000, "err", "EEH: This PCI device has failed 1 times in the last hour and will be permanently disabled after 5 failures.");
  host(1000, "err", "EEH: Notify device drivers to shutdown");
  host(1001, "info", "EEH: Beginning: 'error_detected(IO frozen)'");
  host(1001, "info", "PCI 0000:04:00.0#fa: EEH: Invoking nvme->error_detected(IO frozen)");
  host(1001, "info", "PCI 0000:04:00.0#fa: EEH: nvme driver reports: 'need reset'");
  host(1001, "info", "EEH: Finished:'error_detected(IO frozen)' with aggregate recovery state:'need reset'");
  for (const l of readFileSync(fileURLToPath(new URL("../../fixtures/opal/emulated/ioda2-dma-access-fault.dmesg", import.meta.url)), "utf8").trim().split("\n")) host(1001, "info", l);
  host(1002, "info", "EEH: Reset without hotplug activity");
  host(2000, "err", "EEH: Frozen PHB#0-PE#fb detected");
  host(2000, "info", "EEH: Passed-through PE PHB#0-PE#fb: error reported to guest vm1");
  host(2752, "info", "EEH: Beginning: 'slot_reset'");
  host(2752, "info", "PCI 0000:04:00.0#fa: EEH: Invoking nvme->slot_reset()");
  host(2752, "info", "PCI 0000:04:00.0#fa: EEH: nvme driver reports: 'recovered'");
  host(2752, "info", "EEH: Finished:'resume'");
  host(2752, "info", "EEH: Recovery successful.");
  host(3001, "debug", "EEH: PHB#1 failure detected, location: N/A");
  host(3001, "err", "EEH: Recovering PHB#1, location: N/A");
  host(3001, "warn", "EEH: Sleep 5s ahead of complete hotplug");
  host(4500, "info", "PCI 0001:05:00.0#7b: EEH: e1000e driver reports: 'disconnect'");
  host(4500, "err", "EEH: Unable to recover from failure from PHB#1-PE#7b.");
  host(4500, "err", "Please try reseating or replacing it");
  host(HOUR + 5000, "err", "EEH: Frozen PHB#0-PE#fa detected");
  host(HOUR + 6752, "info", "EEH: Recovery successful.");
  lines.push({ t: 2100, source: "guest-vm1", level: "err", line: "EEH: Recovering PHB#0-PE#2" });
  lines.push({ t: 2800, source: "guest-vm1", level: "info", line: "EEH: Recovery successful." });

  const states: StateSegment[] = [
    ...segments(FA, [
      [0, "normal"],
      [1000, "frozen"],
      [1001, "frozen-dma"],
      [1002, "resetting"],
      [2752, "normal"],
      [HOUR + 5000, "frozen"],
      [HOUR + 5002, "resetting"],
      [HOUR + 6752, "normal"],
    ]),
    ...segments(FB, [
      [0, "normal"],
      [2000, "frozen-mmio"],
      [2010, "frozen"],
      [2300, "resetting"],
      [2800, "normal"],
    ]),
    ...segments(FD, [[0, "normal"]]),
    ...segments(P7A, [
      [0, "normal"],
      [3000, "fenced"],
      [3001, "resetting"],
      [4500, "normal"],
    ]),
    ...segments(P7B, [
      [0, "normal"],
      [3000, "fenced"],
      [3001, "resetting"],
      [4500, "removed"],
    ]),
  ];

  return {
    version: 1,
    scenario: {
      name: "two-phbs-freeze-fence-remove",
      description: "An NVMe DMA fault on a PHB3, a guest-owned PE hitting an MMIO UR, a fenced P7IOC PHB that loses one of its PEs, and the first device failing again an hour later.",
      platform: "powernv",
      seed: 42,
    },
    phbs: [
      { id: 0, model: "PHB3", chip: "0", numPes: 256 },
      { id: 1, model: "P7IOC", chip: "1", numPes: 128 },
    ],
    guests: [{ name: "vm1", hypervisor: "qemu-vfio", outcome: "recovered" }],
    pes: [
      { id: FA, phb: 0, pe: 0xfa, type: ["device"], devices: ["0000:04:00.0"] },
      { id: FB, phb: 0, pe: 0xfb, type: ["device"], devices: ["0000:05:00.0", "0000:05:00.1"], owner: "vm1" },
      { id: FD, phb: 0, pe: 0xfd, type: ["bus"], devices: ["0000:01:00.0", "0000:02:01.0", "0000:02:02.0"] },
      { id: P7A, phb: 1, pe: 0x7a, type: ["device"], devices: ["0001:04:00.0"] },
      { id: P7B, phb: 1, pe: 0x7b, type: ["device"], devices: ["0001:05:00.0"] },
    ],
    states,
    events,
    lines,
    logs,
    expectations: [
      { path: "expect[0]", description: "PHB#0-PE#fa is normal at the end", ok: true, detail: "normal since 3601.752000 s" },
      { path: "expect[1]", description: "PHB#1-PE#7b was removed", ok: true, detail: "removed at 4.500000 s" },
      { path: "expect[2]", description: "vm1 recovered its PE", ok: true, detail: "guest outcome: recovered" },
    ],
    endTime: END,
    ok: true,
  };
}
