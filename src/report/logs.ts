// One section per platform log of the run: what it is (kind, source, PE, time, file), the
// interpretation's headline and findings, the lines Linux or ppc64-diag print for it, and —
// folded — the decoded structure, the interpretation as JSON and a hex dump of the blob.
//
// The document carries the decoding and interpretation inline (`decoded`, `interpretation`);
// this page draws an interpretation in the "eeh-emu/interpretation" JSON form as a findings
// table and anything else generically. The "as printed" view re-decodes the blob's hex with
// the pure log codecs (log/ layer), so it needs nothing but the document either.

import type { Timeline, TimelineLog } from "../scenario/timeline.js";
import { decodePhbDiag } from "../log/opal/decode.js";
import { printPhbDiag } from "../log/dmesg/print-diag.js";
import { decodeRtasLog } from "../log/rtas/codec.js";
import { formatEehNotification } from "../log/rtas/eeh-notification.js";
import { INTERPRETATION_JSON_FORMAT } from "../log/interpret/json.js";
import { formatTime, hexDumpLines, readableJson } from "./format.js";
import { esc } from "./html.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** `04:00.0` from a requester ID (bus << 8 | devfn). */
function ridText(rid: number): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, "0");
  return `${h((rid >> 8) & 0xff, 2)}:${h((rid >> 3) & 0x1f, 2)}.${rid & 7}`;
}

function findingsTable(interp: Json): string {
  const findings = Array.isArray(interp.findings) ? interp.findings : [];
  if (findings.length === 0) return `<p class="muted">No findings: nothing recorded in the registers.</p>`;
  const rows = findings.map((f, i) => {
    if (!isObject(f)) return `<tr><td>${i}</td><td colspan="6"><pre class="inline">${esc(readableJson(f))}</pre></td></tr>`;
    const flags = isStringArray(f.flags) ? f.flags.join(" ") : "";
    const pe = typeof f.pe === "number" ? `PE#${f.pe.toString(16)}` : "";
    const rid = typeof f.rid === "number" ? ridText(f.rid) : "";
    const addr = typeof f.address === "string" ? f.address : "";
    const evidence = Array.isArray(f.evidence)
      ? f.evidence.map((e) => {
          if (!isObject(e)) return `<li>${esc(readableJson(e))}</li>`;
          const reg = `${String(e.register ?? "?")}${typeof e.index === "number" ? `[${e.index.toString(16).padStart(3, "0")}]` : ""}`;
          const mask = typeof e.mask === "string" ? ` ${e.clear ? "clear " : ""}${e.mask}` : "";
          return `<li><code>${esc(reg + mask)}</code>${typeof e.text === "string" ? ` — ${esc(e.text)}` : ""}</li>`;
        })
      : [];
    return (
      `<tr><td class="num">${i + 1}</td><td><code class="ftype">${esc(String(f.type ?? "?"))}</code></td><td>${esc(flags)}</td><td><code>${esc(pe)}</code></td><td><code>${esc(rid)}</code></td><td><code>${esc(addr)}</code></td>` +
      `<td>${esc(String(f.summary ?? ""))}${evidence.length ? `<ul class="evidence">${evidence.join("")}</ul>` : ""}</td></tr>`
    );
  });
  return `<table class="findings"><thead><tr><th>#</th><th>finding</th><th>flags</th><th>PE</th><th>RID</th><th>address</th><th>summary and register evidence</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function limitsList(interp: Json): string {
  const limits = Array.isArray(interp.limits) ? interp.limits : [];
  if (limits.length === 0) return "";
  const items = limits.map((l) =>
    isObject(l)
      ? `<li><strong>${esc(String(l.kind ?? "limit"))}</strong>: ${esc(String(l.message ?? ""))}${isStringArray(l.fields) && l.fields.length ? ` <code>${esc(l.fields.join(", "))}</code>` : ""}</li>`
      : `<li>${esc(readableJson(l))}</li>`,
  );
  return `<p class="sub">What the input could not show:</p><ul class="limits">${items.join("")}</ul>`;
}

/** The interpretation: a findings table for the eeh-emu JSON form, something readable otherwise. */
function interpretationView(interp: unknown): string {
  if (interp === null || interp === undefined) return `<p class="muted">No interpretation in the document for this log.</p>`;
  if (isObject(interp) && Array.isArray(interp.findings)) {
    const meta: string[] = [];
    if (typeof interp.severity === "string") meta.push(`severity <span class="sev sev-${esc(interp.severity.replace(/[^a-z-]/g, ""))}">${esc(interp.severity)}</span>`);
    if (typeof interp.model === "string") meta.push(`model ${esc(interp.model)}`);
    if (typeof interp.format === "string" && interp.format !== INTERPRETATION_JSON_FORMAT) meta.push(`format ${esc(interp.format)}`);
    return `${meta.length ? `<p class="sub">${meta.join(" · ")}</p>` : ""}${findingsTable(interp)}${limitsList(interp)}`;
  }
  if (isStringArray(interp)) return `<pre class="block">${esc(interp.join("\n"))}</pre>`;
  if (isObject(interp) && isStringArray(interp.lines)) return `<pre class="block">${esc(interp.lines.join("\n"))}</pre>`;
  if (isObject(interp)) {
    const scalars = Object.entries(interp).filter(([, v]) => v === null || typeof v !== "object");
    if (scalars.length > 0) return `<dl class="kv">${scalars.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(String(v))}</dd>`).join("")}</dl>`;
  }
  return `<pre class="block">${esc(readableJson(interp))}</pre>`;
}

/** PHB number from a Linux PE name `PHB#1-PE#fd` (the PCI domain Linux prints). */
function domainOf(pe: string | undefined): number | undefined {
  const m = /^PHB#([0-9a-f]+)-/i.exec(pe ?? "");
  return m ? parseInt(m[1]!, 16) : undefined;
}

/**
 * What Linux (PHB diag) or ppc64-diag (RTAS EEH notification) prints for the blob. The diag
 * blob does not hold its PHB number: it comes from the log's `domain`, else its PE or a PE
 * of the events that produced it; a log with none of these prints `PHB#?` rather than a guess.
 */
function printedView(log: TimelineLog, peHints: readonly string[]): string {
  const clean = log.hex.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) return "";
  const bytes = new Uint8Array(Buffer.from(clean, "hex"));
  let lines: string[] = [];
  let what = "";
  try {
    if (log.kind === "opal-diag") {
      const domain = log.domain ?? [log.pe, ...peHints].map(domainOf).find((d) => d !== undefined);
      lines = printPhbDiag(decodePhbDiag(bytes), { domain: domain ?? 0 });
      if (domain === undefined && lines[0]) lines[0] = lines[0].replace(/ PHB#0 /, " PHB#? ");
      what = "As Linux prints it (pnv_pci_dump_phb_diag_data)";
    } else if (log.kind === "rtas") {
      lines = formatEehNotification(decodeRtasLog(bytes));
      what = "As ppc64-diag reports it (EEH event notification)";
    }
  } catch (e) {
    return `<p class="warn">The blob does not decode: ${esc((e as Error).message)}</p>`;
  }
  if (lines.length === 0) return "";
  return `<p class="sub">${esc(what)}:</p><pre class="block dmesg">${esc(lines.join("\n"))}</pre>`;
}

function details(summary: string, body: string, cls: string): string {
  return `<details class="${cls}"><summary>${summary}</summary>${body}</details>`;
}

export function renderLogSection(log: TimelineLog, position: number, producedBy: readonly number[], peHints: readonly string[] = []): string {
  const meta = [
    `<span class="badge kind">${esc(log.kind)}</span>`,
    `from <strong>${esc(log.source)}</strong>`,
    log.pe !== undefined ? `PE <code>${esc(log.pe)}</code>` : "",
    `at <code>${esc(formatTime(log.t))}</code> s`,
    `<code>${esc(log.file)}</code>`,
    `${esc(log.size)} bytes`,
  ].filter(Boolean);
  const links = producedBy.map((i) => `<a href="#ev-${i}" data-goto-event="${i}">event ${i}</a>`);
  const hexLines = hexDumpLines(log.hex);
  const hexBody = hexLines ? `<pre class="block hex">${esc(hexLines.join("\n"))}</pre>` : `<p class="warn">Not a hex string; shown as stored:</p><pre class="block hex">${esc(log.hex)}</pre>`;
  return [
    `<section class="log" id="log-${position}" data-log="${log.index}">`,
    `<h3>Log ${esc(log.index)} <span class="headline">${esc(log.headline)}</span></h3>`,
    `<p class="meta">${meta.join(" · ")}${links.length ? ` · ${links.join(", ")}` : ""}</p>`,
    `<h4>Interpretation</h4>`,
    interpretationView(log.interpretation),
    printedView(log, peHints),
    details(`Decoded structure (JSON)`, `<pre class="block json">${esc(readableJson(log.decoded))}</pre>`, "decoded"),
    details(`Interpretation (JSON)`, `<pre class="block json">${esc(readableJson(log.interpretation ?? null))}</pre>`, "interp-json"),
    details(`Hex dump (${esc(log.size)} bytes)`, hexBody, "hexdump"),
    `</section>`,
  ].join("\n");
}

/** Every platform log, in document order, each linked to the events that produced it. */
export function renderLogs(tl: Timeline): string {
  if (tl.logs.length === 0) return `<p class="muted">This run produced no platform logs.</p>`;
  const byLog = new Map<number, number[]>();
  tl.events.forEach((e, i) => {
    if (e.kind !== "log" || e.log === undefined) return;
    const list = byLog.get(e.log);
    if (list) list.push(i);
    else byLog.set(e.log, [i]);
  });
  return tl.logs
    .map((log, pos) => {
      const events = byLog.get(pos) ?? [];
      const peHints = events.flatMap((i) => (tl.events[i]?.pe !== undefined ? [tl.events[i]!.pe!] : []));
      return renderLogSection(log, pos, events, peHints);
    })
    .join("\n");
}
