// The chart's time axis: virtual milliseconds → x pixels, built from d3-scale linear scales.
//
// A run often has long idle stretches (a scenario that waits out the one-hour freeze
// window, then makes the device fail again): drawn linearly, the seconds of recovery
// around them would shrink to a pixel. So a stretch with nothing happening that is longer
// than `gapFraction` of the run and more than three times all the time where something
// happens is *compressed* into a fixed-width band drawn as an axis break and labelled with
// its duration; the rest of the run keeps its proportions. The active pieces each get their
// own d3 linear scale and their own ticks.

import { scaleLinear, type ScaleLinear } from "d3-scale";
import { formatDuration } from "./format.js";

export interface AxisTick {
  readonly t: number;
  readonly x: number;
  readonly label: string;
}

/** A compressed idle stretch [from, to) drawn in [x0, x1). */
export interface AxisGap {
  readonly from: number;
  readonly to: number;
  readonly x0: number;
  readonly x1: number;
  readonly label: string;
}

export interface TimeAxis {
  /** Position of a virtual time (clamped to the run). */
  readonly x: (t: number) => number;
  readonly x0: number;
  readonly x1: number;
  readonly end: number;
  /** "s" when the run lasts 2 s or more, else "ms": tick labels are numbers in this unit. */
  readonly unit: "s" | "ms";
  readonly ticks: readonly AxisTick[];
  readonly gaps: readonly AxisGap[];
}

export interface TimeAxisOptions {
  /** Compress idle stretches longer than this fraction of the run (default 0.25); 0 or false: never. */
  readonly gapFraction?: number | false;
  /** Width of a compressed stretch in pixels (default 36). */
  readonly gapWidth?: number;
  /** Approximate pixels between ticks (default 90). */
  readonly tickSpacing?: number;
}

interface Piece {
  readonly from: number;
  readonly to: number;
  readonly scale: ScaleLinear<number, number>;
}

/** An idle stretch is compressed only when it is longer than this many times the active time. */
const ACTIVE_RATIO = 3;
/** Minimum share of the drawing width a piece of the run gets, so an instant stays visible. */
const MIN_PIECE_SHARE = 0.04;
/** Ticks closer than this (px) to the previous one are dropped (labels would collide). */
const MIN_TICK_GAP = 44;

/**
 * Build the axis for a run ending at `end`, given every time something happens (`points`:
 * events, log lines, state changes), drawn between x0 and x1.
 */
export function buildTimeAxis(points: Iterable<number>, end: number, x0: number, x1: number, opts: TimeAxisOptions = {}): TimeAxis {
  const finite = [...points].filter((p) => Number.isFinite(p));
  let last = Math.max(Number.isFinite(end) ? end : 0, 0, ...finite);
  if (last <= 0) last = 1;
  const times = [...new Set([0, last, ...finite.map((p) => Math.min(Math.max(p, 0), last))])].sort((a, b) => a - b);

  const fraction = opts.gapFraction === false ? 0 : (opts.gapFraction ?? 0.25);
  const gapWidth = opts.gapWidth ?? 36;
  let idle: Array<{ from: number; to: number }> = [];
  if (fraction > 0) {
    for (let i = 0; i + 1 < times.length; i++) {
      const a = times[i]!;
      const b = times[i + 1]!;
      if (b - a > fraction * last) idle.push({ from: a, to: b });
    }
    // Only stretches that dwarf the active time are worth breaking the axis for.
    const active = last - idle.reduce((s, g) => s + (g.to - g.from), 0);
    idle = active > 0 ? idle.filter((g) => g.to - g.from > ACTIVE_RATIO * active) : [];
  }

  // Active pieces between the idle stretches, with widths proportional to their durations.
  const spans: Array<{ from: number; to: number }> = [];
  let start = 0;
  for (const g of idle) {
    spans.push({ from: start, to: g.from });
    start = g.to;
  }
  spans.push({ from: start, to: last });
  const available = Math.max(x1 - x0 - gapWidth * idle.length, spans.length);
  const total = spans.reduce((s, p) => s + (p.to - p.from), 0);
  const weights = spans.map((p) => (total > 0 ? Math.max(p.to - p.from, MIN_PIECE_SHARE * total) : 1));
  const weightSum = weights.reduce((s, w) => s + w, 0);

  const pieces: Piece[] = [];
  const gaps: AxisGap[] = [];
  let cursor = x0;
  spans.forEach((p, i) => {
    const w = (available * weights[i]!) / weightSum;
    pieces.push({ from: p.from, to: p.to, scale: scaleLinear().domain([p.from, p.to]).range([cursor, cursor + w]) });
    cursor += w;
    const g = idle[i];
    if (g) {
      gaps.push({ from: g.from, to: g.to, x0: cursor, x1: cursor + gapWidth, label: formatDuration(g.to - g.from) });
      cursor += gapWidth;
    }
  });

  const x = (t: number): number => {
    const c = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), last);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (c <= p.to) {
        // An instant-long piece: d3 maps its single value to the middle of its range.
        return p.scale(c);
      }
      const g = gaps[i];
      if (g && c < g.to) return g.x0 + ((c - g.from) / (g.to - g.from)) * (g.x1 - g.x0);
    }
    return x1;
  };

  const unit: "s" | "ms" = last >= 2000 ? "s" : "ms";
  const unitMs = unit === "s" ? 1000 : 1;
  const spacing = opts.tickSpacing ?? 90;
  const ticks: AxisTick[] = [];
  for (const p of pieces) {
    const [r0, r1] = p.scale.range() as [number, number];
    const values = p.to > p.from ? p.scale.ticks(Math.max(1, Math.round((r1 - r0) / spacing))) : [p.from];
    const step = values.length > 1 ? values[1]! - values[0]! : p.to > p.from ? p.to - p.from : unitMs;
    const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step / unitMs) - 1e-9)));
    for (const t of values) {
      const tx = p.scale(t);
      const prev = ticks[ticks.length - 1];
      if (prev && tx - prev.x < MIN_TICK_GAP) continue;
      ticks.push({ t, x: tx, label: (t / unitMs).toFixed(decimals) });
    }
  }
  // Keep tick labels clear of the duration label written over each compressed stretch.
  const clear = ticks.filter((t) => gaps.every((g) => Math.abs(t.x - (g.x0 + g.x1) / 2) >= gapLabelWidth(g.label) / 2 + 18));
  return { x, x0, x1, end: last, unit, ticks: clear, gaps };
}

/** Rough width (px) of a gap's "+label" at the axis font size. */
function gapLabelWidth(label: string): number {
  return (label.length + 1) * 6.2;
}
