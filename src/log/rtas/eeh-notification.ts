// What rtas_errd's check_eeh (rtas_errd/eeh.c, §3.11) adds to /var/log/platform for an EEH
// event: v6 logs of type 0xE0 or 0xE2 whose primary SRC starts with one of its five codes get
// "EEH Event Notification", the PH date and time, the SRC, its text and the first callout's
// location. Every line rtas_errd writes there goes through platform_log_write, which puts
// "ppc64-diag: " in front (ppc64-diag rtas_errd/files.c; the prefix is not in the spec).

import { EEH_SRC_DESCRIPTIONS, RTAS_LOG_VERSION_6, RTAS_TYPE_INFO, RTAS_TYPE_PLATFORM } from "./constants.js";
import type { BcdTimestamp, PrivateHeaderSection, RtasErrorLog, SrcSection } from "./types.js";

export const PPC64_DIAG_PREFIX = "ppc64-diag: ";

export interface EehNotification {
  /** The table's SRC, e.g. "BA188002". */
  src: string;
  /** rtas_errd's text for it. */
  description: string;
  /** PH creation date/time, if the log has a PH. */
  created?: BcdTimestamp;
  /** Location code of the PS section's first callout, if it has callouts. */
  location?: string;
  /** The servicelog "additional text": "<text>, Location <loc>" or "<text>, no location code provided". */
  servicelogText: string;
}

/** The notification rtas_errd would write for this log, or undefined when it writes none. */
export function eehNotification(log: RtasErrorLog): EehNotification | undefined {
  if (log.header.version !== RTAS_LOG_VERSION_6) return undefined;
  if (log.header.type !== RTAS_TYPE_PLATFORM && log.header.type !== RTAS_TYPE_INFO) return undefined;
  if (log.extended.kind !== "v6") return undefined;
  const sections = log.extended.sections;
  const ps = sections.find((s): s is SrcSection => s.kind === "src" && s.id === "PS");
  if (!ps) return undefined;
  // strncmp(primary_refcode, code, 8)
  const entry = EEH_SRC_DESCRIPTIONS.find(([code]) => ps.referenceCode.slice(0, 8) === code);
  if (!entry) return undefined;
  const [src, description] = entry;
  const ph = sections.find((s): s is PrivateHeaderSection => s.kind === "privateHeader");
  const first = ps.callouts?.[0];
  return {
    src,
    description,
    ...(ph ? { created: ph.created } : {}),
    ...(first ? { location: first.locationCode } : {}),
    servicelogText: first ? `${description}, Location ${first.locationCode}` : `${description}, no location code provided`,
  };
}

const two = (n: number) => String(n).padStart(2, "0");

/** rtas_errd prints the BCD bytes with %02x, i.e. the decimal digits: "03/15/2007  22:54:10". */
export function formatEehDate(t: BcdTimestamp): string {
  return `${two(t.month)}/${two(t.day)}/${String(t.year).padStart(4, "0")}  ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** The notification lines, "ppc64-diag: " prefix included; [] when rtas_errd writes none. */
export function formatEehNotification(log: RtasErrorLog): string[] {
  const n = eehNotification(log);
  if (!n) return [];
  const lines = [
    "EEH Event Notification",
    n.created ? formatEehDate(n.created) : "Could not retrieve RTAS Event Date/Time",
    `Event SRC Code: ${n.src}`,
    `    ${n.description}`,
    n.location !== undefined ? `    Device Location Code: ${n.location}` : "    No Device Location Code provided.",
  ];
  return lines.map((l) => PPC64_DIAG_PREFIX + l);
}
