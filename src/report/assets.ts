// The page's only style sheet and script, inline (the page loads nothing). The Content
// Security Policy of the page allows exactly these two blocks by hash (render.ts), so a
// stray inline script in a document's text could not run even if escaping ever failed.

import { EVENT_KINDS, EVENT_KIND_STYLES, LANE_STATES, STATE_STYLES } from "./palette.js";

const stateRules = LANE_STATES.map((s) => `.st-${s}{fill:${STATE_STYLES[s].hatched ? `url(#hatch-${s})` : STATE_STYLES[s].color}}`).join("\n");
const kindRules = EVENT_KINDS.map((k) => `.ek-${k}{fill:${EVENT_KIND_STYLES[k].color}}\ntr.ek-${k} td.src .badge{border-color:${EVENT_KIND_STYLES[k].color};color:${EVENT_KIND_STYLES[k].color}}`).join("\n");

export const PAGE_CSS = `
:root{--fg:#1d1f21;--muted:#6b6f75;--rule:#d9dbde;--bg:#ffffff;--panel:#f6f7f8;--mono:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;--sans:system-ui,-apple-system,"Segoe UI","DejaVu Sans","Liberation Sans",Roboto,sans-serif}
*{box-sizing:border-box}
html{color-scheme:light}
body{margin:0;padding:18px 22px 40px;color:var(--fg);background:var(--bg);font:14px/1.45 var(--sans)}
main{max-width:1240px;margin:0 auto}
h1{font-size:21px;margin:0 0 4px;font-weight:600;overflow-wrap:anywhere}
h2{font-size:16px;margin:26px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--rule);font-weight:600}
h3{font-size:14.5px;margin:0 0 4px;font-weight:600}
h4{font-size:13px;margin:12px 0 4px;font-weight:600;color:#333}
code,pre,.mono{font-family:var(--mono);font-size:12.5px}
pre{margin:0}
a{color:#0b57d0;text-decoration:none}
a:hover{text-decoration:underline}
.muted{color:var(--muted)}
.sub{color:var(--muted);margin:6px 0 4px;font-size:13px}
.warn{color:#b3261e}
.desc{margin:4px 0 8px;max-width:90ch;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{color:var(--muted);margin:2px 0;font-size:13px}
.meta strong{color:var(--fg);font-weight:600}
nav{margin:10px 0 0;font-size:13px}
nav a{margin-right:14px}
.status{display:inline-block;padding:3px 10px;border-radius:3px;font-weight:600;font-size:13px;letter-spacing:.02em;margin:6px 0}
.status.pass{background:#e3f1e4;color:#1b5e20;border:1px solid #a5d6a7}
.status.fail{background:#fbe5e3;color:#8c1d18;border:1px solid #ef9a9a}
.status.none{background:var(--panel);color:var(--muted);border:1px solid var(--rule)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eceef0;vertical-align:top}
th{font-weight:600;font-size:12.5px;color:#41454a;background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.ok{color:#1b5e20;font-weight:600}
td.fail{color:#b3261e;font-weight:600}
tr.failed td{background:#fff6f5}
.small-tables{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px 28px}
.small-tables>div:first-child{grid-column:1/-1}
.swatch{display:inline-block;vertical-align:-2px;margin-right:5px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;margin:4px 0 8px;color:#41454a}
.legend span{white-space:nowrap}
.chart-box{overflow-x:auto;border:1px solid var(--rule);border-radius:3px;background:#fff}
svg.chart{display:block;width:100%;height:auto;min-width:960px;font-family:var(--sans)}
svg.chart text{fill:#2b2e31;font-size:11px}
svg.chart .lane-id{font-family:var(--mono);font-size:11.5px;font-weight:600}
svg.chart .lane-owner{font-family:var(--sans);font-weight:400;fill:var(--muted)}
svg.chart .lane-owner.guest{fill:#2e7d32}
svg.chart .lane-devs{font-family:var(--mono);font-size:10.5px;fill:var(--muted)}
svg.chart .group-label{font-weight:600;font-size:11.5px;fill:#41454a}
svg.chart .group-rule{stroke:#e3e5e8}
svg.chart .lane-bg{fill:transparent}
svg.chart .lane.hover .lane-bg{fill:#f3f6fb}
svg.chart .lane.selected-lane .lane-bg{fill:#fff5d6}
svg.chart .lane-track{fill:#fafafa;stroke:#e0e0e0}
svg.chart .seg{stroke:#ffffff;stroke-width:.6}
svg.chart .seg:hover{stroke:#000;stroke-width:1}
svg.chart .seg.thin{stroke-width:0}
svg.chart .track-label{fill:#41454a}
svg.chart .count{fill:var(--muted)}
svg.chart .track-bg{fill:#fbfbfc}
svg.chart .grid{stroke:#eef0f2}
svg.chart .axis-line,svg.chart .tick{stroke:#8a8f95}
svg.chart .tick-label{text-anchor:middle;font-size:10.5px;fill:#50555b;font-variant-numeric:tabular-nums}
svg.chart .axis-title{fill:var(--muted);font-size:10.5px}
svg.chart .gap-band{fill:url(#hatch-gap)}
svg.chart .axis-break{fill:#ffffff}
svg.chart .break-mark{stroke:#8a8f95;fill:none;stroke-width:1.2}
svg.chart .gap-label{text-anchor:middle;font-size:10.5px;fill:#50555b;font-style:italic}
svg.chart .ev{cursor:pointer;stroke:#ffffff;stroke-width:1}
svg.chart .ev:hover,svg.chart .ev:focus{stroke:#000;stroke-width:1.5;outline:none}
svg.chart .ev.ok{fill:#2e7d32}
svg.chart .ev.fail{fill:#d32f2f}
svg.chart .ev.selected{stroke:#000;stroke-width:2}
svg.chart .ln{cursor:pointer}
svg.chart .ln.src-host{fill:#78909c}
svg.chart .ln.src-guest{fill:#00838f}
svg.chart .ln.lv-warn{fill:#ef6c00}
svg.chart .ln.lv-err{fill:#c62828}
svg.chart .ln.selected{fill:#000}
svg.chart .cursor{stroke:#000;stroke-width:1;stroke-dasharray:3 3;pointer-events:none}
svg.chart .empty{fill:var(--muted)}
${stateRules}
.st-unknown{fill:#ffeb3b}
${kindRules}
.filters{font-size:13px;margin:2px 0 6px;color:#41454a}
.filters label{margin-right:14px;white-space:nowrap}
.table-box{max-height:68vh;overflow:auto;border:1px solid var(--rule);border-radius:3px}
#event-table thead th{position:sticky;top:0;z-index:1}
#event-table td{padding:2px 8px}
#event-table td.time{font-family:var(--mono);font-size:12px;white-space:nowrap;color:#41454a}
#event-table td.delta{font-family:var(--mono);font-size:11.5px;white-space:nowrap;color:var(--muted);text-align:right}
#event-table td.src{white-space:nowrap}
#event-table td.pe{font-family:var(--mono);font-size:12px;white-space:nowrap}
#event-table td.text{overflow-wrap:anywhere}
#event-table tr.r-line td.text{font-family:var(--mono);font-size:12px;white-space:pre-wrap}
#event-table tr.r-line{color:#33373b}
#event-table tr.r-line.lv-warn td.text{color:#a44b00}
#event-table tr.r-line.lv-err td.text{color:#b3261e}
#event-table tr.r-guest td.src .badge{border-color:#00838f;color:#00838f}
#event-table tr{cursor:pointer}
#event-table tr:hover td{background:#f3f6fb}
#event-table tr.selected td{background:#fff0b3}
#event-table.hide-event tr.r-event,#event-table.hide-host tr.r-host,#event-table.hide-guest tr.r-guest{display:none}
.badge{display:inline-block;border:1px solid #9aa0a6;border-radius:3px;padding:0 5px;font-size:11.5px;line-height:17px;color:#41454a;background:#fff}
.lvl{color:var(--muted);font-size:11.5px;margin-left:4px}
.log{border:1px solid var(--rule);border-radius:3px;padding:10px 14px;margin:12px 0;background:#fff}
.log:target{outline:2px solid #f9ab00}
.log .headline{font-weight:400;margin-left:6px}
.log .badge.kind{border-color:#6a1b9a;color:#6a1b9a}
.findings td{font-size:13px}
.findings code.ftype{font-weight:600}
ul.evidence,ul.limits{margin:3px 0 2px;padding-left:18px;color:#41454a;font-size:12.5px}
.sev{font-weight:600}
.sev-pe-error,.sev-pcie-error{color:#a44b00}
.sev-phb-fenced,.sev-phb-dead{color:#b3261e}
pre.block{background:var(--panel);border:1px solid #e6e8ea;border-radius:3px;padding:8px 10px;overflow-x:auto;font-size:12px;line-height:1.4}
pre.inline{background:none;border:0;padding:0}
details{margin:6px 0}
details>summary{cursor:pointer;color:#0b57d0;font-size:13px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0}
footer{margin-top:30px;color:var(--muted);font-size:12px}
`;

export const PAGE_SCRIPT = `
(function () {
  "use strict";
  var cursor = document.getElementById("cursor");
  var table = document.getElementById("event-table");
  var box = document.getElementById("table-box");
  var selected = [];
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function markLane(pe, cls) {
    all("[data-lane]").forEach(function (l) { l.classList.toggle(cls, pe !== null && l.getAttribute("data-lane") === pe); });
  }
  function visible(el) {
    var r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < (window.innerHeight || document.documentElement.clientHeight);
  }
  function select(type, i, reveal) {
    selected.forEach(function (el) { el.classList.remove("selected"); });
    selected = [];
    var marker = document.querySelector("svg [data-" + type + "='" + i + "']");
    var row = document.getElementById((type === "event" ? "ev-" : "ln-") + i);
    [marker, row].forEach(function (el) { if (el) { el.classList.add("selected"); selected.push(el); } });
    var src = marker || row;
    if (!src) return;
    var x = src.getAttribute("data-x");
    if (cursor && x !== null) { cursor.setAttribute("x1", x); cursor.setAttribute("x2", x); cursor.setAttribute("visibility", "visible"); }
    markLane(src.getAttribute("data-pe"), "selected-lane");
    if (reveal === "row" && row && box) {
      if (row.offsetParent === null) {
        var f = document.querySelector("[data-filter='" + (type === "event" ? "event" : row.classList.contains("r-host") ? "host" : "guest") + "']");
        if (f) { f.checked = true; table.classList.remove("hide-" + f.getAttribute("data-filter")); }
      }
      var rb = row.getBoundingClientRect(), bb = box.getBoundingClientRect();
      box.scrollTop += rb.top - bb.top - box.clientHeight / 2;
      if (!visible(box)) box.scrollIntoView({ block: "nearest" });
    } else if (reveal === "chart" && marker && !visible(marker)) {
      marker.scrollIntoView({ block: "center", inline: "nearest" });
    }
  }
  function target(ev) {
    var t = ev.target;
    return t && t.closest ? t.closest("[data-event],[data-line],[data-event-row],[data-line-row],[data-goto-event]") : null;
  }
  function activate(el) {
    if (el.hasAttribute("data-goto-event")) return select("event", el.getAttribute("data-goto-event"), "row");
    if (el.hasAttribute("data-event")) return select("event", el.getAttribute("data-event"), "row");
    if (el.hasAttribute("data-line")) return select("line", el.getAttribute("data-line"), "row");
    if (el.hasAttribute("data-event-row")) return select("event", el.getAttribute("data-event-row"), "chart");
    if (el.hasAttribute("data-line-row")) return select("line", el.getAttribute("data-line-row"), "chart");
  }
  document.addEventListener("click", function (ev) {
    var el = target(ev);
    if (!el) return;
    if (ev.target.closest("a[href^='#log-']")) return;
    activate(el);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" && ev.key !== " ") return;
    var el = target(ev);
    if (el && el.hasAttribute("data-event")) { ev.preventDefault(); activate(el); }
  });
  document.addEventListener("mouseover", function (ev) {
    var el = target(ev);
    markLane(el ? el.getAttribute("data-pe") : null, "hover");
  });
  all("input[data-filter]").forEach(function (input) {
    input.addEventListener("change", function () { table.classList.toggle("hide-" + input.getAttribute("data-filter"), !input.checked); });
  });
})();
`;
