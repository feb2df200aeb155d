// Names the kernel prints for RTAS event types (rtasd.c `rtas_event_type`, §3.2).

import {
  RTAS_TYPE_DEALLOC,
  RTAS_TYPE_DUMP,
  RTAS_TYPE_EPOW,
  RTAS_TYPE_HOTPLUG,
  RTAS_TYPE_INFO,
  RTAS_TYPE_IO,
  RTAS_TYPE_PLATFORM,
  RTAS_TYPE_PRRN,
} from "./constants.js";

/** Types 1..10, indexed by value; index 0 is the fallback for everything unnamed. */
const PRE_V6_TYPE_NAMES = [
  "Unknown",
  "Retry",
  "TCE Error",
  "Internal Device Failure",
  "Timeout",
  "Data Parity",
  "Address Parity",
  "Cache Parity",
  "Address Invalid",
  "ECC Uncorrected",
  "ECC Corrupted",
] as const;

const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [RTAS_TYPE_EPOW, "EPOW"],
  [RTAS_TYPE_PLATFORM, "Platform Error"],
  [RTAS_TYPE_IO, "I/O Event"],
  [RTAS_TYPE_INFO, "Platform Information Event"],
  [RTAS_TYPE_DEALLOC, "Resource Deallocation Event"],
  [RTAS_TYPE_DUMP, "Dump Notification Event"],
  [RTAS_TYPE_PRRN, "Platform Resource Reassignment Event"],
  [RTAS_TYPE_HOTPLUG, "Hotplug Event"],
]);

export function rtasEventTypeName(type: number): string {
  if (type > 0 && type < PRE_V6_TYPE_NAMES.length) return PRE_V6_TYPE_NAMES[type] ?? "Unknown";
  return TYPE_NAMES.get(type) ?? "Unknown";
}
