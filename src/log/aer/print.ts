// Print AER lines the way each kernel generation does (aer-xen.md §2.2, §2.3, §4.2).
//
// Which lines carry `AER: ` after the device prefix (dev_fmt) differs by release (§2.2):
// (A) legacy only puts it on the root line; (B)/(C) put it on lines printed with
// pci_err/pci_info (root line, "Inaccessible", TLP header, "Error of this Agent",
// "can't find device") and not on the pci_printk lines ("PCIe Bus Error", "device", bits).
// The recovery lines of §2.3 always have it. The parser accepts every variant.

import type { AerLine, AerLineBody, AerTlpLine } from "./lines.js";
import { severityString, type AerLogFormat } from "./names.js";

const h4 = (n: number): string => (n >>> 0).toString(16).padStart(4, "0");
const h8 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");

/** Whether `body` is printed with dev_fmt's `AER: ` in `format`. */
export function hasAerPrefix(body: AerLineBody, format: AerLogFormat): boolean {
  switch (body.kind) {
    case "root":
      return true;
    case "bus-error":
    case "device":
    case "bit":
      return false;
    case "inaccessible":
    case "tlp":
    case "agent-first":
    case "no-source":
      return format !== "legacy";
    case "exceeded":
    case "ff-status":
    case "ff-layer":
    case "ff-severity":
      return format !== "legacy";
    case "dpc-containment":
    case "dpc-unmasked":
    case "inject":
      return false;
    default:
      return true;
  }
}

/** The message body (no device prefix, no `AER: `). */
export function printAerBody(body: AerLineBody, format: AerLogFormat): string {
  const sev = (s: Parameters<typeof severityString>[0]): string => severityString(s, format);
  switch (body.kind) {
    case "root": {
      const multi = body.multiple ? "Multiple " : "";
      if (typeof body.source === "number") return `${multi}${sev(body.severity)} error received: id=${h4(body.source)}`;
      if (format === "mainline") return `${multi}${sev(body.severity)} error message received from ${body.source}${body.noDetails ? " (no details found" : ""}`;
      return `${multi}${sev(body.severity)} error received: ${body.source}`;
    }
    case "bus-error":
      return `PCIe Bus Error: severity=${sev(body.severity)}, type=${body.layer}, ${body.id !== undefined ? `id=${h4(body.id)}` : ""}(${body.agent})`;
    case "inaccessible":
      return body.id !== undefined
        ? `PCIe Bus Error: severity=${sev(body.severity)}, type=Unaccessible, id=${h4(body.id)}(Unregistered Agent ID)`
        : `PCIe Bus Error: severity=${sev(body.severity)}, type=Inaccessible, (Unregistered Agent ID)`;
    case "device":
      return `  device [${h4(body.vendor)}:${h4(body.device)}] error status/mask=${h8(body.status)}/${h8(body.mask)}`;
    case "bit":
      // `   [%2d] %-22s%s`: the padding stays, as the kernel prints it.
      return `   [${String(body.bit).padStart(2)}] ${body.name.padEnd(22)}${body.first ? " (First)" : ""}`;
    case "tlp":
      return `  ${printTlp(body, format)}`;
    case "agent-first":
      return body.id !== undefined ? `  Error of this Agent(${h4(body.id)}) is reported first` : "  Error of this Agent is reported first";
    case "no-source":
      return `can't find device of ID${h4(body.id)}`;
    case "exceeded":
      return `Exceeded max supported (${body.max}) devices with errors logged`;
    case "ff-status":
      return `aer_status: 0x${h8(body.status)}, aer_mask: 0x${h8(body.mask)}`;
    case "ff-layer":
      return `aer_layer=${body.layer}, aer_agent=${body.agent}`;
    case "ff-severity":
      return `aer_uncor_severity: 0x${h8(body.severity)}`;
    case "cant-recover-transition":
      return `can't recover (state transition ${body.from} -> ${body.to} invalid)`;
    case "cant-recover-no-callback":
      return "can't recover (no error_detected callback)";
    case "reset-failed":
      return "subordinate device reset failed";
    case "recovery-successful":
      return "device recovery successful";
    case "recovery-failed":
      return "device recovery failed";
    case "link-reset":
      return `${body.port} Port link has been reset (${body.rc})`;
    case "flr-reset":
      return body.rc === 0 ? "has been reset" : `not reset (no FLR support: ${body.rc})`;
    case "enabled":
      return `enabled with IRQ ${body.irq}`;
    case "dpc-containment":
      return `DPC: containment event, status:0x${h4(body.status)} source:0x${h4(body.source)}`;
    case "dpc-unmasked":
      return "DPC: unmasked uncorrectable error detected";
    case "inject":
      return `aer_inject: Injecting errors ${h8(body.cor)}/${h8(body.uncor)} into device ${body.target}`;
  }
}

function printTlp(t: AerTlpLine, format: AerLogFormat): string {
  if (format !== "mainline") return `TLP Header: ${t.dwords.slice(0, 4).map(h8).join(" ")}`;
  const dw = (n: number): string => `0x${h8(n)}`;
  if (t.flit) return `TLP Header (Flit): ${t.dwords.map(dw).join(" ")}`;
  const pre = t.prefixes.length > 0 ? ` E-E Prefixes: ${t.prefixes.map(dw).join(" ")}` : "";
  return `TLP Header: ${t.dwords.slice(0, 4).map(dw).join(" ")}${pre}`;
}

/** The whole line: `<driver> <BDF>: ` + (`AER: ` where the generation puts it) + body. */
export function printAerLine(line: AerLine, format: AerLogFormat = "mainline"): string {
  const dev = line.dev ? `${line.dev.driver} ${line.dev.address}: ` : "";
  return `${dev}${hasAerPrefix(line.body, format) ? "AER: " : ""}${printAerBody(line.body, format)}`;
}
