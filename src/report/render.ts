// renderReport: a Timeline document (scenario/timeline.ts) → one self-contained HTML page.
//
//   header        scenario name, description, platform, seed, duration, counts, PASSED/FAILED
//   expectations  each expectation of the scenario with whether it held and why
//   timeline      legend + the SVG chart (chart.ts): a lane per PE, event and log-line tracks
//   events        every event and host/guest log line in time order, filterable; rows and
//                 chart markers select each other
//   platform logs each log decoded with its interpretation (logs.ts)
//   machine       PHBs, guests, and per PE: devices, owner, freezes, time not normal, final state
//
// The page loads nothing: no scripts, styles, fonts or images from anywhere, enforced by a
// Content-Security-Policy that allows only the page's own inline style and script by hash.
// The output is a pure function of the document: no clock, no randomness, no locale.

import { createHash } from "node:crypto";
import { PE_LANE_STATES, TIMELINE_VERSION, type StateSegment, type Timeline, type TimelineEvent, type TimelineLine } from "../scenario/timeline.js";
import { PAGE_CSS, PAGE_SCRIPT } from "./assets.js";
import { lanesByPhb, renderChart, type ChartOptions } from "./chart.js";
import { formatDuration, formatTime } from "./format.js";
import { esc, px } from "./html.js";
import { renderLogs } from "./logs.js";
import { LANE_STATES, STATE_STYLES, kindClass, stateClass } from "./palette.js";

export interface ReportOptions {
  /** Page title; default "eeh-emu report: <scenario name>". */
  readonly title?: string;
  /** Chart width and axis options (see chart.ts, time-axis.ts). */
  readonly chart?: ChartOptions;
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("base64");

function swatch(state: string): string {
  return `<svg class="swatch" width="16" height="11" aria-hidden="true"><rect class="${stateClass(state)}" width="16" height="11"/></svg>`;
}

function legend(): string {
  return `<div class="legend" id="legend">${LANE_STATES.map((s) => `<span data-legend="${s}">${swatch(s)}${esc(STATE_STYLES[s].label)}</span>`).join("")}</div>`;
}

function header(tl: Timeline): string {
  const ex = tl.expectations;
  const failed = ex.filter((e) => !e.ok).length;
  const status =
    ex.length === 0
      ? `<span class="status none" id="status" data-ok="${tl.ok}">no expectations</span>`
      : tl.ok && failed === 0
        ? `<span class="status pass" id="status" data-ok="true">PASSED · ${ex.length} of ${ex.length} expectations held</span>`
        : `<span class="status fail" id="status" data-ok="false">FAILED · ${failed} of ${ex.length} expectations failed</span>`;
  const s = tl.scenario;
  const counts = [
    `platform <strong>${esc(s.platform)}</strong>`,
    `seed <strong>${esc(s.seed)}</strong>`,
    `virtual duration <strong>${esc(formatDuration(tl.endTime))}</strong> (${esc(formatTime(tl.endTime))} s)`,
    `${tl.phbs.length} PHB${tl.phbs.length === 1 ? "" : "s"}`,
    `${tl.pes.length} PE${tl.pes.length === 1 ? "" : "s"}`,
    `${tl.guests.length} guest${tl.guests.length === 1 ? "" : "s"}`,
    `${tl.events.length} events`,
    `${tl.lines.length} log lines`,
    `${tl.logs.length} platform log${tl.logs.length === 1 ? "" : "s"}`,
  ];
  return [
    `<header>`,
    `<h1 id="scenario-name">${esc(s.name)}</h1>`,
    s.description ? `<p class="desc">${esc(s.description)}</p>` : "",
    `<p class="meta">${counts.join(" · ")}</p>`,
    status,
    `<nav><a href="#expectations">Expectations</a><a href="#timeline">Timeline</a><a href="#events">Events and log lines</a><a href="#logs">Platform logs</a><a href="#machine">Machine and PEs</a></nav>`,
    `</header>`,
  ].join("\n");
}

function expectations(tl: Timeline): string {
  if (tl.expectations.length === 0) return `<p class="muted">The scenario states no expectations.</p>`;
  const rows = tl.expectations.map(
    (e, i) =>
      `<tr data-expectation="${i}"${e.ok ? "" : ` class="failed"`}><td><code>${esc(e.path)}</code></td><td>${esc(e.description)}</td><td class="${e.ok ? "ok" : "fail"}">${e.ok ? "held" : "FAILED"}</td><td>${esc(e.detail)}</td></tr>`,
  );
  return `<table class="expectations"><thead><tr><th>where</th><th>expectation</th><th>result</th><th>detail</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

interface PeSummary {
  readonly freezes: number;
  readonly notNormal: number;
  readonly final: string | undefined;
}

function summarizePe(segments: readonly StateSegment[]): PeSummary {
  const sorted = [...segments].sort((a, b) => a.from - b.from || a.to - b.to);
  let freezes = 0;
  let notNormal = 0;
  let prev: string | undefined;
  for (const s of sorted) {
    const frozen = s.state.startsWith("frozen");
    if (frozen && !(prev ?? "").startsWith("frozen")) freezes++;
    if (s.state !== "normal") notNormal += Math.max(0, s.to - s.from);
    prev = s.state;
  }
  return { freezes, notNormal, final: sorted[sorted.length - 1]?.state };
}

function machine(tl: Timeline): string {
  const phbRows = tl.phbs.map((p) => `<tr><td><code>PHB#${p.id.toString(16)}</code></td><td>${esc(p.model)}</td><td>${esc(p.chip)}</td><td class="num">${esc(p.numPes)}</td><td class="num">${tl.pes.filter((pe) => pe.phb === p.id).length}</td></tr>`);
  const guestRows = tl.guests.map((g) => {
    const owned = tl.pes.filter((pe) => pe.owner === g.name).map((pe) => pe.id);
    return `<tr><td>${esc(g.name)}</td><td>${esc(g.hypervisor)}</td><td>${esc(g.outcome ?? "")}</td><td><code>${esc(owned.join(" "))}</code></td></tr>`;
  });
  const byPe = new Map<string, StateSegment[]>();
  for (const s of tl.states) {
    const list = byPe.get(s.pe);
    if (list) list.push(s);
    else byPe.set(s.pe, [s]);
  }
  const peRows = lanesByPhb(tl).flatMap((g) =>
    g.pes.map((pe) => {
      const sum = summarizePe(byPe.get(pe.id) ?? []);
      return (
        `<tr data-pe-row="${esc(pe.id)}"><td><code>${esc(pe.id)}</code></td><td>${esc(pe.type.join(", "))}</td><td><code>${esc(pe.devices.join(" "))}</code></td><td>${esc(pe.owner !== undefined ? pe.owner : "host")}</td>` +
        `<td class="num">${sum.freezes}</td><td class="num">${sum.notNormal > 0 ? esc(formatDuration(sum.notNormal)) : "—"}</td><td>${sum.final !== undefined ? `${swatch(sum.final)}${esc(STATE_STYLES[sum.final as keyof typeof STATE_STYLES]?.label ?? sum.final)}` : "—"}</td></tr>`
      );
    }),
  );
  return [
    `<div class="small-tables">`,
    `<div><h3>PEs</h3><table class="pes"><thead><tr><th>PE</th><th>type</th><th>devices</th><th>owner</th><th class="num">freezes</th><th class="num">time not normal</th><th>state at end</th></tr></thead><tbody>${peRows.join("")}</tbody></table></div>`,
    `<div><h3>PHBs</h3>${phbRows.length ? `<table class="phbs"><thead><tr><th>PHB</th><th>model</th><th>chip</th><th class="num">PEs</th><th class="num">in chart</th></tr></thead><tbody>${phbRows.join("")}</tbody></table>` : `<p class="muted">none</p>`}</div>`,
    `<div><h3>Guests</h3>${guestRows.length ? `<table class="guests"><thead><tr><th>guest</th><th>hypervisor</th><th>outcome</th><th>PEs it owns</th></tr></thead><tbody>${guestRows.join("")}</tbody></table>` : `<p class="muted">none: the host owns every PE</p>`}</div>`,
    `</div>`,
  ].join("\n");
}

type Row = { readonly t: number; readonly event: TimelineEvent; readonly i: number } | { readonly t: number; readonly line: TimelineLine; readonly i: number };

/** Events by (t, seq), log lines by t in document order; at equal times events come first. */
export function tableOrder(tl: Timeline): Row[] {
  const events = tl.events.map((event, i) => ({ t: event.t, event, i })).sort((a, b) => a.t - b.t || a.event.seq - b.event.seq || a.i - b.i);
  const lines = tl.lines.map((line, i) => ({ t: line.t, line, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  const out: Row[] = [];
  let e = 0;
  let l = 0;
  while (e < events.length || l < lines.length) {
    const ev = events[e];
    const ln = lines[l];
    if (ev && (!ln || ev.t <= ln.t)) {
      out.push(ev);
      e++;
    } else if (ln) {
      out.push(ln);
      l++;
    }
  }
  return out;
}

function levelClass(level: string): string {
  const l = level.toLowerCase();
  if (/^(emerg|alert|crit|err|error|fatal)/.test(l)) return "lv-err";
  if (/^warn/.test(l)) return "lv-warn";
  return "lv-info";
}

function eventsTable(tl: Timeline, eventX: readonly number[], lineX: readonly number[]): string {
  const rows: string[] = [];
  let prevT = 0;
  for (const r of tableOrder(tl)) {
    const dt = r.t - prevT;
    const delta = dt > 0 ? `+${esc(formatDuration(dt))}` : "";
    prevT = r.t;
    if ("event" in r) {
      const e = r.event;
      const extra: string[] = [];
      if (e.kind === "log" && e.log !== undefined) extra.push(` <a href="#log-${esc(e.log)}">log ${esc(e.log)} ↓</a>`);
      if (e.kind === "expectation" && e.ok !== undefined) extra.push(e.ok ? ` <span class="ok">✓ held</span>` : ` <span class="warn">✗ failed</span>`);
      const src = `<span class="badge">${esc(e.kind)}</span>${e.guest !== undefined ? ` <span class="lvl">${esc(e.guest)}</span>` : ""}`;
      rows.push(
        `<tr id="ev-${r.i}" class="r-event ${kindClass(e.kind)}" data-event-row="${r.i}" data-x="${px(eventX[r.i]!)}"${e.pe !== undefined ? ` data-pe="${esc(e.pe)}"` : ""}>` +
          `<td class="time">${formatTime(e.t)}</td><td class="delta">${delta}</td><td class="src">${src}</td><td class="pe">${esc(e.pe ?? "")}</td><td class="text">${esc(e.text)}${extra.join("")}</td></tr>`,
      );
    } else {
      const l = r.line;
      const host = l.source === "host";
      rows.push(
        `<tr id="ln-${r.i}" class="r-line ${host ? "r-host" : "r-guest"} ${levelClass(l.level)}" data-line-row="${r.i}" data-x="${px(lineX[r.i]!)}">` +
          `<td class="time">${formatTime(l.t)}</td><td class="delta">${delta}</td><td class="src"><span class="badge">${esc(l.source)}</span><span class="lvl">${esc(l.level)}</span></td><td class="pe"></td><td class="text">${esc(l.line)}</td></tr>`,
      );
    }
  }
  const guests = tl.lines.some((l) => l.source !== "host");
  const filters =
    `<div class="filters">Show: <label><input type="checkbox" data-filter="event" checked> events (${tl.events.length})</label>` +
    `<label><input type="checkbox" data-filter="host" checked> host log (${tl.lines.filter((l) => l.source === "host").length})</label>` +
    (guests ? `<label><input type="checkbox" data-filter="guest" checked> guest logs (${tl.lines.filter((l) => l.source !== "host").length})</label>` : "") +
    `<span class="muted">Click a row to mark its time on the chart; click a marker to find its row.</span></div>`;
  return (
    `${filters}<div class="table-box" id="table-box"><table id="event-table"><thead><tr><th>time (s)</th><th class="num">Δ</th><th>source</th><th>PE</th><th>event or log line</th></tr></thead>` +
    `<tbody>${rows.length ? rows.join("\n") : `<tr><td colspan="5" class="muted">no events and no log lines</td></tr>`}</tbody></table></div>`
  );
}

/** The full HTML page for a timeline. Same document in, same bytes out. */
export function renderReport(tl: Timeline, opts: ReportOptions = {}): string {
  const chart = renderChart(tl, opts.chart);
  const title = opts.title ?? `eeh-emu report: ${tl.scenario.name}`;
  const csp = `default-src 'none'; style-src 'sha256-${sha256(PAGE_CSS)}'; script-src 'sha256-${sha256(PAGE_SCRIPT)}'; img-src 'none'; base-uri 'none'; form-action 'none'`;
  const unknownStates = [...new Set(tl.states.map((s) => s.state))].filter((s) => !(PE_LANE_STATES as readonly string[]).includes(s));
  return [
    `<!DOCTYPE html>`,
    `<html lang="en">`,
    `<head>`,
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="eeh-emu report, timeline version ${TIMELINE_VERSION}">`,
    `<title>${esc(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    `</head>`,
    `<body>`,
    `<main>`,
    header(tl),
    `<section id="expectations"><h2>Expectations</h2>`,
    expectations(tl),
    `</section>`,
    `<section id="timeline"><h2>Timeline</h2>`,
    legend(),
    unknownStates.length ? `<p class="warn">States this report does not know, drawn yellow: ${esc(unknownStates.join(", "))}</p>` : "",
    `<div class="chart-box">`,
    chart.svg,
    `</div>`,
    `<p class="sub">Hover a segment or marker for details; click a marker to find its row below.${
      chart.axis.gaps.length ? " Hatched bands are idle stretches drawn compressed; the axis gives their duration." : ""
    }</p>`,
    `</section>`,
    `<section id="events"><h2>Events and log lines</h2>`,
    eventsTable(tl, chart.eventX, chart.lineX),
    `</section>`,
    `<section id="logs"><h2>Platform logs</h2>`,
    renderLogs(tl),
    `</section>`,
    `<section id="machine"><h2>Machine and PEs</h2>`,
    machine(tl),
    `</section>`,
    `<footer>eeh-emu report · timeline document version ${esc(tl.version)} · times are virtual (since the run began)</footer>`,
    `</main>`,
    `<script>${PAGE_SCRIPT}</script>`,
    `</body>`,
    `</html>`,
    ``,
  ].join("\n");
}
