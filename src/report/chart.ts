// The timeline chart as inline SVG: a time axis (d3-scale, see time-axis.ts), one lane per PE
// grouped under its PHB with a segment per state, then one track of markers per event kind
// and one per log source (host, each guest), all on the same x scale. Every element the page
// script or a test looks for carries a stable data attribute: `data-lane` (the PE's Linux
// name), `data-event` (index into timeline.events), `data-line` (index into timeline.lines).

import type { Timeline, TimelineEvent, TimelinePe } from "../scenario/timeline.js";
import { formatDuration, formatTime } from "./format.js";
import { esc, px } from "./html.js";
import { EVENT_KINDS, EVENT_KIND_STYLES, STATE_STYLES, kindClass, stateClass } from "./palette.js";
import { buildTimeAxis, type TimeAxis, type TimeAxisOptions } from "./time-axis.js";

export interface ChartOptions {
  /** Width of the SVG in CSS pixels (default 1200). */
  readonly width?: number;
  readonly axis?: TimeAxisOptions;
}

export interface Chart {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly axis: TimeAxis;
  /** x of each event's marker, by index into timeline.events. */
  readonly eventX: readonly number[];
  /** x of each log line's marker, by index into timeline.lines. */
  readonly lineX: readonly number[];
}

const LABEL_W = 250;
const AXIS_H = 30;
const GROUP_H = 22;
const LANE_H = 32;
const BAR_Y = 7;
const BAR_H = 18;
const SECTION_GAP = 14;
const MARK_ROW_H = 10;
const MARK_MIN_DX = 8;
const MARK_MAX_ROWS = 4;
const LINE_TRACK_H = 18;
/** A state that lasted no virtual time is still drawn this wide (px), so a transition shows. */
const MIN_STATE_W = 3;
/** Characters of monospace label text that fit in the label column. */
const LABEL_CHARS = 38;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Points in time where something happens: what the axis must keep readable. */
function timePoints(tl: Timeline): number[] {
  const out: number[] = [];
  for (const s of tl.states) out.push(s.from, s.to);
  for (const e of tl.events) out.push(e.t);
  for (const l of tl.lines) out.push(l.t);
  for (const l of tl.logs) out.push(l.t);
  return out;
}

/** PEs in PHB order (the order of timeline.phbs, then of first appearance), stable within a PHB. */
export function lanesByPhb(tl: Timeline): Array<{ phb: number; pes: TimelinePe[] }> {
  const order = [...tl.phbs.map((p) => p.id), ...tl.pes.map((p) => p.phb)];
  const groups = new Map<number, TimelinePe[]>();
  for (const id of order) if (!groups.has(id)) groups.set(id, []);
  for (const pe of tl.pes) groups.get(pe.phb)!.push(pe);
  return [...groups].filter(([, pes]) => pes.length > 0).map(([phb, pes]) => ({ phb, pes }));
}

/** Greedy rows so markers closer than MARK_MIN_DX do not sit on each other (at most MARK_MAX_ROWS). */
function stack(xs: readonly number[]): { rows: number[]; count: number } {
  const lastX: number[] = [];
  const rows = xs.map((x) => {
    let r = lastX.findIndex((lx) => x - lx >= MARK_MIN_DX);
    if (r < 0) {
      if (lastX.length < MARK_MAX_ROWS) r = lastX.length;
      else r = lastX.indexOf(Math.min(...lastX));
    }
    lastX[r] = x;
    return r;
  });
  return { rows, count: Math.max(1, lastX.length) };
}

function eventTitle(e: TimelineEvent): string {
  const who = [e.pe, e.guest ? `guest ${e.guest}` : undefined].filter(Boolean).join(", ");
  const ok = e.kind === "expectation" && e.ok !== undefined ? (e.ok ? " [held]" : " [FAILED]") : "";
  return `[${formatTime(e.t)}] ${e.kind}${who ? ` (${who})` : ""}: ${e.text}${ok}`;
}

export function renderChart(tl: Timeline, opts: ChartOptions = {}): Chart {
  const width = opts.width ?? 1200;
  const x0 = LABEL_W + 12;
  const x1 = width - 16;
  const axis = buildTimeAxis(timePoints(tl), tl.endTime, x0, x1, opts.axis);
  const out: string[] = [];
  // Drawn in this order: lanes, track backgrounds, compressed-stretch bands, markers.
  const body: string[] = [];
  const trackBgs: string[] = [];
  const marks: string[] = [];
  let y = AXIS_H + 4;

  // --- PE lanes, grouped by PHB --------------------------------------------------------
  const segmentsOf = new Map<string, Array<(typeof tl.states)[number]>>();
  for (const s of tl.states) {
    const list = segmentsOf.get(s.pe);
    if (list) list.push(s);
    else segmentsOf.set(s.pe, [s]);
  }
  const phbInfo = new Map(tl.phbs.map((p) => [p.id, p]));
  const lanesTop = y;
  let laneIndex = 0;
  for (const group of lanesByPhb(tl)) {
    const info = phbInfo.get(group.phb);
    const title = info ? `PHB#${group.phb.toString(16)} · ${info.model}${info.chip ? ` · chip ${info.chip}` : ""}` : `PHB#${group.phb.toString(16)}`;
    body.push(`<g class="phb-group" data-phb="${group.phb}"><line class="group-rule" x1="0" x2="${width}" y1="${px(y + 0.5)}" y2="${px(y + 0.5)}"/><text class="group-label" x="4" y="${px(y + 15)}">${esc(clip(title, 90))}</text></g>`);
    y += GROUP_H;
    for (const pe of group.pes) {
      const owner = pe.owner !== undefined ? `guest ${pe.owner}` : "host";
      const devs = pe.devices.length <= 2 ? pe.devices.join(" ") : `${pe.devices.slice(0, 2).join(" ")} +${pe.devices.length - 2}`;
      const fullTitle = `${pe.id} (${pe.type.join(", ") || "PE"}), owner: ${owner}\n${pe.devices.join("\n") || "no devices"}`;
      const lane: string[] = [];
      lane.push(`<g class="lane" data-lane="${esc(pe.id)}" data-lane-index="${laneIndex}" transform="translate(0,${px(y)})">`);
      lane.push(`<title>${esc(fullTitle)}</title>`);
      lane.push(`<rect class="lane-bg" x="0" y="0" width="${width}" height="${LANE_H}"/>`);
      const idText = clip(pe.id, LABEL_CHARS - 2);
      const ownerRoom = LABEL_CHARS - idText.length - 2;
      lane.push(`<text class="lane-id" x="4" y="14">${esc(idText)}${ownerRoom > 4 ? `<tspan class="lane-owner${pe.owner !== undefined ? " guest" : ""}" dx="8">${esc(clip(owner, ownerRoom))}</tspan>` : ""}</text>`);
      lane.push(`<text class="lane-devs" x="4" y="27">${esc(clip(devs || "no devices", LABEL_CHARS + 4))}</text>`);
      lane.push(`<rect class="lane-track" x="${px(x0)}" y="${BAR_Y}" width="${px(x1 - x0)}" height="${BAR_H}"/>`);
      // Segments narrower than MIN_STATE_W are drawn last, widened, so a state that lasted a
      // millisecond (frozen just before the reset) stays visible on top of its neighbours.
      // Consecutive thin segments are laid side by side (frozen, then frozen DMA, then the
      // reset), shifting each by at most a few pixels, so their order can be read.
      const wide: string[] = [];
      const narrow: string[] = [];
      let thinEnd = -Infinity;
      const ordered = [...(segmentsOf.get(pe.id) ?? [])].sort((a, b) => a.from - b.from || a.to - b.to);
      for (const s of ordered) {
        let sx0 = axis.x(s.from);
        let w = axis.x(s.to) - sx0;
        const thin = s.state !== "normal" && w < MIN_STATE_W;
        if (thin) {
          sx0 = Math.max(sx0, thinEnd);
          w = MIN_STATE_W;
          thinEnd = sx0 + w;
        }
        if (w <= 0) continue;
        const label = STATE_STYLES[s.state]?.label ?? s.state;
        (thin ? narrow : wide).push(
          `<rect class="seg ${stateClass(s.state)}${thin ? " thin" : ""}" data-state="${esc(s.state)}" x="${px(sx0)}" y="${BAR_Y}" width="${px(w)}" height="${BAR_H}">` +
            `<title>${esc(`${pe.id}: ${label}\n${formatTime(s.from)} → ${formatTime(s.to)} s (${formatDuration(s.to - s.from)})`)}</title></rect>`,
        );
      }
      lane.push(...wide, ...narrow);
      lane.push(`</g>`);
      body.push(lane.join(""));
      y += LANE_H;
      laneIndex++;
    }
  }

  // --- event tracks, one per kind ------------------------------------------------------
  y += SECTION_GAP;
  body.push(`<line class="group-rule" x1="0" x2="${width}" y1="${px(y - SECTION_GAP / 2)}" y2="${px(y - SECTION_GAP / 2)}"/>`);
  const eventX = tl.events.map((e) => axis.x(e.t));
  const kinds = [...EVENT_KINDS, ...new Set(tl.events.map((e) => e.kind).filter((k) => !EVENT_KINDS.includes(k)))];
  for (const kind of kinds) {
    const idx = tl.events.map((e, i) => ({ e, i })).filter(({ e }) => e.kind === kind);
    if (idx.length === 0) continue;
    idx.sort((a, b) => a.e.t - b.e.t || a.e.seq - b.e.seq || a.i - b.i);
    const { rows, count } = stack(idx.map(({ i }) => eventX[i]!));
    const h = 8 + count * MARK_ROW_H;
    const label = EVENT_KIND_STYLES[kind]?.label ?? kind;
    const track: string[] = [`<g class="track" data-track="${esc(kind)}" transform="translate(0,${px(y)})">`];
    track.push(`<text class="track-label" x="4" y="${px(h / 2 + 4)}">${esc(label)} <tspan class="count">(${idx.length})</tspan></text>`);
    trackBgs.push(`<rect class="track-bg" x="${px(x0)}" y="${px(y + 1)}" width="${px(x1 - x0)}" height="${px(h - 2)}"/>`);
    idx.forEach(({ e, i }, j) => {
      const cy = 4 + rows[j]! * MARK_ROW_H + MARK_ROW_H / 2;
      const okClass = e.kind === "expectation" && e.ok !== undefined ? (e.ok ? " ok" : " fail") : "";
      track.push(
        `<circle class="ev ${kindClass(e.kind)}${okClass}" data-event="${i}" data-x="${px(eventX[i]!)}"${e.pe !== undefined ? ` data-pe="${esc(e.pe)}"` : ""} cx="${px(eventX[i]!)}" cy="${px(cy)}" r="3.5" tabindex="0">` +
          `<title>${esc(eventTitle(e))}</title></circle>`,
      );
    });
    track.push(`</g>`);
    marks.push(track.join(""));
    y += h;
  }

  // --- log line tracks, one per source (host first, then guests by name) ---------------
  const lineX = tl.lines.map((l) => axis.x(l.t));
  const sources = [...new Set(tl.lines.map((l) => l.source))].sort((a, b) => (a === "host" ? -1 : b === "host" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  if (sources.length > 0) {
    y += SECTION_GAP / 2;
    trackBgs.push(`<line class="group-rule" x1="0" x2="${width}" y1="${px(y - SECTION_GAP / 4)}" y2="${px(y - SECTION_GAP / 4)}"/>`);
  }
  for (const source of sources) {
    const track: string[] = [`<g class="track" data-track="${esc(source)}" transform="translate(0,${px(y)})">`];
    const n = tl.lines.filter((l) => l.source === source).length;
    track.push(`<text class="track-label" x="4" y="13">${esc(clip(`${source === "host" ? "host log" : source} `, LABEL_CHARS - 6))}<tspan class="count">(${n})</tspan></text>`);
    trackBgs.push(`<rect class="track-bg" x="${px(x0)}" y="${px(y + 1)}" width="${px(x1 - x0)}" height="${LINE_TRACK_H - 2}"/>`);
    tl.lines.forEach((l, i) => {
      if (l.source !== source) return;
      track.push(
        `<rect class="ln ${source === "host" ? "src-host" : "src-guest"} lv-${levelClass(l.level)}" data-line="${i}" data-x="${px(lineX[i]!)}" x="${px(lineX[i]! - 1)}" y="4" width="2" height="${LINE_TRACK_H - 8}">` +
          `<title>${esc(`[${formatTime(l.t)}] ${l.source} ${l.level}: ${l.line}`)}</title></rect>`,
      );
    });
    track.push(`</g>`);
    marks.push(track.join(""));
    y += LINE_TRACK_H;
  }
  const plotBottom = y;
  y += AXIS_H;
  const height = Math.ceil(y + 2);

  // --- assemble: defs, grid, body, compressed stretches, axes, cursor -------------------
  out.push(
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`PE states over virtual time: ${tl.pes.length} PEs, ${tl.events.length} events`)}">`,
  );
  out.push(
    `<defs><pattern id="hatch-removed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${STATE_STYLES.removed.color}"/><line x1="1" y1="0" x2="1" y2="6" stroke="#616161" stroke-width="2"/></pattern>` +
      `<pattern id="hatch-gap" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="5" height="5" fill="#ffffff" fill-opacity="0.72"/><line x1="0" y1="0" x2="0" y2="5" stroke="#b0b0b0" stroke-width="1"/></pattern></defs>`,
  );
  for (const t of axis.ticks) out.push(`<line class="grid" x1="${px(t.x)}" x2="${px(t.x)}" y1="${AXIS_H}" y2="${px(plotBottom)}"/>`);
  out.push(...body, ...trackBgs);
  for (const g of axis.gaps) {
    out.push(
      `<g class="gap"><rect class="gap-band" x="${px(g.x0)}" y="${AXIS_H}" width="${px(g.x1 - g.x0)}" height="${px(plotBottom - AXIS_H)}"><title>${esc(`${g.label} with nothing happening (${formatTime(g.from)} → ${formatTime(g.to)} s), drawn compressed`)}</title></rect></g>`,
    );
  }
  out.push(...marks);
  out.push(axisMarkup(axis, AXIS_H, "top"));
  out.push(axisMarkup(axis, plotBottom, "bottom"));
  out.push(`<line id="cursor" class="cursor" x1="0" x2="0" y1="${AXIS_H}" y2="${px(plotBottom)}" visibility="hidden"/>`);
  if (tl.pes.length === 0) out.push(`<text class="empty" x="${px(x0)}" y="${px(lanesTop + 16)}">no PEs in this run</text>`);
  out.push(`</svg>`);
  return { svg: out.join("\n"), width, height, axis, eventX, lineX };
}

function levelClass(level: string): string {
  const l = level.toLowerCase();
  if (/^(emerg|alert|crit|err|error|fatal)/.test(l)) return "err";
  if (/^warn/.test(l)) return "warn";
  return "info";
}

/** An axis line at `y` with ticks and labels above (top) or below (bottom). */
function axisMarkup(axis: TimeAxis, y: number, side: "top" | "bottom"): string {
  const parts: string[] = [`<g class="axis axis-${side}">`];
  const dir = side === "top" ? -1 : 1;
  parts.push(`<line class="axis-line" x1="${px(axis.x0)}" x2="${px(axis.x1)}" y1="${px(y)}" y2="${px(y)}"/>`);
  for (const t of axis.ticks) {
    parts.push(`<line class="tick" x1="${px(t.x)}" x2="${px(t.x)}" y1="${px(y)}" y2="${px(y + dir * 5)}"/>`);
    parts.push(`<text class="tick-label" x="${px(t.x)}" y="${px(side === "top" ? y - 9 : y + 17)}">${esc(t.label)}</text>`);
  }
  for (const g of axis.gaps) {
    const mid = (g.x0 + g.x1) / 2;
    // An axis break: the line is interrupted by two slanted strokes.
    parts.push(`<rect class="axis-break" x="${px(g.x0 + 2)}" y="${px(y - 4)}" width="${px(g.x1 - g.x0 - 4)}" height="8"/>`);
    parts.push(`<path class="break-mark" d="M${px(g.x0 + 1)},${px(y + 5)} l6,-10 M${px(g.x1 - 7)},${px(y + 5)} l6,-10"/>`);
    if (side === "top") parts.push(`<text class="gap-label" x="${px(mid)}" y="${px(y - 9)}">+${esc(g.label)}</text>`);
  }
  const unitLabel = axis.unit === "s" ? "virtual time (s)" : "virtual time (ms)";
  parts.push(`<text class="axis-title" x="4" y="${px(side === "top" ? y - 9 : y + 17)}">${unitLabel}</text>`);
  parts.push(`</g>`);
  return parts.join("");
}
