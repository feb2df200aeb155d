// PCIe findings from the root port's config words (§3.2 "cfg" rows; AER bits aer-xen.md §1).
//
// LINK_LOSS vs LINK_DOWN — an event vs a state:
// * LINK_LOSS: AER UE Surprise Down (0x20) is latched (RW1C) — the root port saw its link go
//   down unexpectedly. The link may be back by capture time; the summary says which.
// * LINK_DOWN: Link Status DLLLA (0x2000, high half of `linkStatus`) is clear at capture and
//   no Surprise Down was recorded — the link is down now for a reason the root port did not
//   count as an error: a secondary bus reset held (powernv masks Surprise Down in the UE
//   mask during EEH resets, aer-xen.md §3.1), Link Disable, training, or an empty slot.
//
// PCIE_UE gathers the root port's own UE status bits (named), the Root Error Status
// uncorrectable-message bits with the requester in ERR_SRC[31:16], and Device Status
// FED/NFED. Severity: fatal if FATAL_RCV, FIRST_FATAL or FED; non-fatal if NONFATAL_RCV or
// NFED; otherwise not recorded (the UE severity register is not part of the diag data). A
// root-reported uncorrectable message that only repeats a Surprise Down of the root port
// itself (source 00:00.0, no other UE bit) joins the LINK_LOSS instead.
//
// PCIE_CE: CE status bits (named), COR_RCV/MULTI_COR_RCV with ERR_SRC[15:0], DevSta CED.
// AER bits the tables do not define → UNKNOWN. Source IDs are read only together with the
// root-status bit that latches them.

import {
  ERR_COR_ID,
  ERR_UNCOR_ID,
  PCI_ERR_COR_DEFINED,
  PCI_ERR_ROOT_AER_IRQ,
  PCI_ERR_ROOT_COR_RCV,
  PCI_ERR_ROOT_FATAL_RCV,
  PCI_ERR_ROOT_FIRST_FATAL,
  PCI_ERR_ROOT_MULTI_COR_RCV,
  PCI_ERR_ROOT_MULTI_UNCOR_RCV,
  PCI_ERR_ROOT_NONFATAL_RCV,
  PCI_ERR_ROOT_UNCOR_RCV,
  PCI_ERR_UNC_DEFINED,
  PCI_ERR_UNC_SURPDN,
  PCI_ERR_UNC_UNSUP,
  PCI_EXP_DEVSTA_CED,
  PCI_EXP_DEVSTA_FED,
  PCI_EXP_DEVSTA_NFED,
  PCI_EXP_DEVSTA_URD,
  PCI_EXP_LNKCTL_LD,
  PCI_EXP_LNKSTA_DLLLA,
  PCI_EXP_LNKSTA_LT,
  PCI_BRIDGE_CTL_BUS_RESET,
  PCI_STATUS_REC_MASTER_ABORT,
  PCI_STATUS_REC_TARGET_ABORT,
} from "../../pci/regs.js";
import { ppcBit } from "../../core/bits.js";
import { PESTA_BITS } from "../../core/pest-layout.js";
import { AER_CE_NAMES, AER_UE_NAMES, maskNames } from "./bit-names.js";
import { FINDING_FLAGS } from "./catalogue.js";
import type { DiagView } from "./diag-view.js";
import type { Draft, Drafts } from "./draft.js";
import { bdf } from "./labels.js";
import { ROOT_PORT_DWORDS, rootPortCaptured, rootPortUnreadable } from "./root-port-image.js";

const hi = (m: number): number => (m << 16) >>> 0;
/** A 32-bit mask as the unsigned bigint evidence carries (JS bit operators yield signed values). */
const big = (n: number): bigint => BigInt(n >>> 0);

const ROOT_UE = PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_MULTI_UNCOR_RCV | PCI_ERR_ROOT_FIRST_FATAL | PCI_ERR_ROOT_NONFATAL_RCV | PCI_ERR_ROOT_FATAL_RCV;
const ROOT_CE = PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV;
const ROOT_DEFINED = ROOT_UE | ROOT_CE | PCI_ERR_ROOT_AER_IRQ;

/** PHB_DEAD when every root-port config dword reads all-ones (see root-port-image.ts). */
export function checkRootPortImage(v: DiagView, f: Drafts): void {
  if (!rootPortUnreadable(v)) return;
  const d = f.dead();
  for (const n of ROOT_PORT_DWORDS) f.cite(d, n, 0xffffffffn);
  f.note(d, "root-port config reads all-ones (ASB read failed)");
}

interface RootWords {
  readonly ue: number;
  readonly ce: number;
  readonly root: number;
  readonly dev: number;
  readonly link: number;
  readonly src: number;
}

function words(v: DiagView): RootWords {
  const n = (name: Parameters<DiagView["value"]>[0]): number => Number(v.value(name) & 0xffffffffn);
  return {
    ue: n("uncorrErrorStatus"),
    ce: n("corrErrorStatus"),
    root: n("rootErrorStatus"),
    dev: n("deviceStatus"),
    link: n("linkStatus"),
    src: n("sourceId"),
  };
}

export function applyRootPortRules(v: DiagView, f: Drafts): void {
  if (rootPortUnreadable(v)) return;
  const w = words(v);
  const loss = linkRules(v, f, w);
  uncorrectable(f, w, loss);
  correctable(f, w);
  if (w.ue & ~PCI_ERR_UNC_DEFINED || w.ce & ~PCI_ERR_COR_DEFINED || w.root & ~ROOT_DEFINED) {
    const d = f.unknown("aer", "root-port AER bits the AER tables do not define");
    f.cite(d, "uncorrErrorStatus", big(w.ue & ~PCI_ERR_UNC_DEFINED));
    f.cite(d, "corrErrorStatus", big(w.ce & ~PCI_ERR_COR_DEFINED));
    f.cite(d, "rootErrorStatus", big(w.root & ~ROOT_DEFINED));
  }
  corroborateOutbound(v, f, w);
}

function linkRules(v: DiagView, f: Drafts, w: RootWords): Draft | undefined {
  const captured = rootPortCaptured(v);
  const lnkSta = w.link >>> 16;
  const down = captured && (lnkSta & PCI_EXP_LNKSTA_DLLLA) === 0;
  const dllla = BigInt(hi(PCI_EXP_LNKSTA_DLLLA));
  if (w.ue & PCI_ERR_UNC_SURPDN) {
    const d = f.add("LINK_LOSS", {
      describe: (x) => `Link loss: root port recorded Surprise Down (SDES)${x.notes.length ? `; ${x.notes.join("; ")}` : ""}`,
    });
    f.cite(d, "uncorrErrorStatus", BigInt(PCI_ERR_UNC_SURPDN));
    if (down) {
      f.cite(d, "linkStatus", dllla, { clear: true });
      f.note(d, "link still down (LnkSta DLLLA clear)");
    } else if (captured) {
      f.cite(d, "linkStatus", dllla);
      f.note(d, "link up again at capture (LnkSta DLLLA set)");
    }
    return d;
  }
  if (!down) return undefined;
  const d = f.add("LINK_DOWN", {
    describe: (x) => `Link down: root port Data Link Layer not active (LnkSta 0x${lnkSta.toString(16).padStart(4, "0")})${x.notes.length ? `; ${x.notes.join("; ")}` : ""}`,
  });
  f.cite(d, "linkStatus", dllla, { clear: true });
  const why: [bigint, Parameters<DiagView["value"]>[0], string][] = [
    [BigInt(PCI_BRIDGE_CTL_BUS_RESET), "brdgCtl", "secondary bus reset asserted"],
    [BigInt(PCI_EXP_LNKCTL_LD), "linkStatus", "link disabled (LnkCtl LD)"],
    [BigInt(hi(PCI_EXP_LNKSTA_LT)), "linkStatus", "link training"],
  ];
  for (const [mask, reg, text] of why) {
    if ((v.value(reg) & mask) !== 0n) {
      f.cite(d, reg, mask);
      f.note(d, text);
    }
  }
  return d;
}

function severityFlags(root: number, dev: number, fatalRoot: number, nonfatalRoot: number, devFatal: number, devNonfatal: number): number {
  return (root & fatalRoot || dev & devFatal ? FINDING_FLAGS.FATAL : 0) | (root & nonfatalRoot || dev & devNonfatal ? FINDING_FLAGS.NONFATAL : 0);
}

function uncorrectable(f: Drafts, w: RootWords, loss: Draft | undefined): void {
  const named = w.ue & PCI_ERR_UNC_DEFINED & ~PCI_ERR_UNC_SURPDN;
  const rootUe = w.root & ROOT_UE;
  const devUe = w.dev & hi(PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_NFED);
  const src = ERR_UNCOR_ID(w.src);
  const flags =
    severityFlags(w.root, w.dev, PCI_ERR_ROOT_FATAL_RCV | PCI_ERR_ROOT_FIRST_FATAL, PCI_ERR_ROOT_NONFATAL_RCV, hi(PCI_EXP_DEVSTA_FED), hi(PCI_EXP_DEVSTA_NFED)) |
    (w.root & PCI_ERR_ROOT_MULTI_UNCOR_RCV ? FINDING_FLAGS.MULTIPLE : 0);
  if (!named && !rootUe && !devUe) return;
  const cite = (d: Draft): void => {
    f.cite(d, "rootErrorStatus", big(rootUe));
    f.cite(d, "deviceStatus", big(devUe));
    if (rootUe) f.cite(d, "sourceId", big(w.src & 0xffff0000));
  };
  if (loss && !named && src === 0) {
    // The root port reporting its own Surprise Down (§1: ERR_SRC[31:16] = 00:00.0).
    loss.flags |= flags;
    cite(loss);
    return;
  }
  const d = f.add("PCIE_UE", {
    flags,
    ...(rootUe ? { rid: src } : {}),
    describe: (x) => {
      const parts: string[] = [];
      const names = maskNames(AER_UE_NAMES, named);
      if (names.length) parts.push(`root port UE status ${names.join(", ")}`);
      if (rootUe) {
        const msg = w.root & PCI_ERR_ROOT_FATAL_RCV ? "ERR_FATAL" : w.root & PCI_ERR_ROOT_NONFATAL_RCV ? "ERR_NONFATAL" : "uncorrectable error message";
        parts.push(`${x.flags & FINDING_FLAGS.MULTIPLE ? "multiple " : ""}${msg} received from ${bdf(src)}${src === 0 ? " (the root port)" : ""}`);
      }
      if (devUe && !parts.length) parts.push("root port Device Status reports an uncorrectable error");
      const fatal = x.flags & FINDING_FLAGS.FATAL;
      const nonfatal = x.flags & FINDING_FLAGS.NONFATAL;
      const sev = fatal && nonfatal ? "fatal and non-fatal" : fatal ? "fatal" : nonfatal ? "non-fatal" : "severity not recorded";
      return `PCIe UE (${sev}): ${parts.join("; ")}`;
    },
  });
  f.cite(d, "uncorrErrorStatus", big(named));
  cite(d);
  if (named & PCI_ERR_UNC_UNSUP) f.cite(d, "deviceStatus", big(w.dev & hi(PCI_EXP_DEVSTA_URD)));
}

function correctable(f: Drafts, w: RootWords): void {
  const named = w.ce & PCI_ERR_COR_DEFINED;
  const rootCe = w.root & ROOT_CE;
  const devCe = w.dev & hi(PCI_EXP_DEVSTA_CED);
  if (!named && !rootCe && !devCe) return;
  const src = ERR_COR_ID(w.src);
  const d = f.add("PCIE_CE", {
    flags: w.root & PCI_ERR_ROOT_MULTI_COR_RCV ? FINDING_FLAGS.MULTIPLE : 0,
    ...(rootCe ? { rid: src } : {}),
    describe: (x) => {
      const parts: string[] = [];
      const names = maskNames(AER_CE_NAMES, named);
      if (names.length) parts.push(`root port CE status ${names.join(", ")}`);
      if (rootCe) parts.push(`${x.flags & FINDING_FLAGS.MULTIPLE ? "multiple " : ""}ERR_COR received from ${bdf(src)}${src === 0 ? " (the root port)" : ""}`);
      if (!parts.length) parts.push("root port Device Status reports a correctable error");
      return `PCIe CE: ${parts.join("; ")}`;
    },
  });
  f.cite(d, "corrErrorStatus", big(named));
  f.cite(d, "rootErrorStatus", big(rootCe));
  f.cite(d, "deviceStatus", big(devCe));
  if (rootCe) f.cite(d, "sourceId", big(w.src & 0xffff));
}

/**
 * An MMIO or config error that got UR or CA also shows on the root port, which forwarded the
 * completion: Device Status URD, Secondary Status "received master abort" (UR) or "received
 * target abort" (CA) — §4.8's decoding reads DevSta 0x0008 and SecSta 0x2000 this way.
 */
function corroborateOutbound(v: DiagView, f: Drafts, w: RootWords): void {
  const ur = ppcBit(PESTA_BITS.ur);
  const ca = ppcBit(PESTA_BITS.caOrTimeout);
  const sec = Number(v.value("devSecStatus") & 0xffffn);
  for (const d of f.ofType("MMIO_ERROR", "CONFIG_ERROR")) {
    const pest = d.evidence.find((e) => e.register === "pestA")?.mask ?? 0n;
    if (pest & ur) {
      f.cite(d, "deviceStatus", big(w.dev & hi(PCI_EXP_DEVSTA_URD)));
      f.cite(d, "devSecStatus", big(sec & PCI_STATUS_REC_MASTER_ABORT));
    }
    if (pest & ca) f.cite(d, "devSecStatus", big(sec & PCI_STATUS_REC_TARGET_ABORT));
  }
}
