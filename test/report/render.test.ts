import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PE_LANE_STATES, type Timeline } from "../../src/scenario/timeline.js";
import { renderReport, tableOrder } from "../../src/report/index.js";
import { STATE_STYLES } from "../../src/report/palette.js";
import { sampleTimeline } from "./sample-timeline.js";

const count = (html: string, re: RegExp): number => [...html.matchAll(re)].length;

describe("renderReport", () => {
  const tl = sampleTimeline();
  const html = renderReport(tl);

  it("is one self-contained page: no external resources", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*"(?!#)/); // only in-page links
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toMatch(/@import|url\((?!#)/);
    expect(count(html, /<script\b/g)).toBe(1);
    expect(count(html, /<style\b/g)).toBe(1);
  });

  it("allows exactly its own inline style and script by hash", () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const h = (s: string) => createHash("sha256").update(s, "utf8").digest("base64");
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    expect(csp).toContain("default-src &#39;none&#39;");
    expect(csp).toContain(`style-src &#39;sha256-${h(style)}&#39;`);
    expect(csp).toContain(`script-src &#39;sha256-${h(script)}&#39;`);
  });

  it("draws one lane per PE, labelled with its id, devices and owner", () => {
    expect(count(html, /<g class="lane" data-lane="/g)).toBe(tl.pes.length);
    for (const pe of tl.pes) expect(html).toContain(`data-lane="${pe.id}"`);
    const fb = /<g class="lane" data-lane="PHB#0-PE#fb"[\s\S]*?<\/g>/.exec(html)![0];
    expect(fb).toContain("guest vm1");
    expect(fb).toContain("0000:05:00.0 0000:05:00.1");
    // PEs are grouped under their PHB, in PHB order.
    expect(count(html, /<g class="phb-group" data-phb="/g)).toBe(2);
    expect(html.indexOf('data-phb="1"')).toBeGreaterThan(html.indexOf('data-lane="PHB#0-PE#fd"'));
  });

  it("draws a segment for every state segment, including ones that lasted a millisecond", () => {
    expect(count(html, /<rect class="seg /g)).toBe(tl.states.length);
    const fa = /<g class="lane" data-lane="PHB#0-PE#fa"[\s\S]*?<\/g>/.exec(html)![0];
    expect(fa).toMatch(/class="seg st-frozen thin" data-state="frozen"/);
    expect(fa).toMatch(/class="seg st-frozen-dma thin" data-state="frozen-dma"/);
    expect(html).toMatch(/data-lane="PHB#1-PE#7b"[\s\S]*?data-state="removed"/);
    expect(html).toMatch(/data-lane="PHB#1-PE#7a"[\s\S]*?data-state="fenced"/);
  });

  it("gives every lane state a distinct colour and a legend entry", () => {
    const colors = PE_LANE_STATES.map((s) => STATE_STYLES[s].color);
    expect(new Set(colors).size).toBe(PE_LANE_STATES.length);
    for (const s of PE_LANE_STATES) {
      expect(html).toMatch(new RegExp(`\\.st-${s}\\{fill:(#[0-9a-f]{6}|url\\(#hatch-${s}\\))\\}`));
      expect(html).toContain(`<span data-legend="${s}">`);
    }
    expect(html).toContain('<pattern id="hatch-removed"');
  });

  it("has one marker and one row per event, and one row per log line", () => {
    expect(count(html, /<circle class="ev [^"]*" data-event="\d+"/g)).toBe(tl.events.length);
    expect(count(html, /<tr id="ev-\d+" [^>]*data-event-row="\d+"/g)).toBe(tl.events.length);
    expect(count(html, /<tr id="ln-\d+" [^>]*data-line-row="\d+"/g)).toBe(tl.lines.length);
    expect(count(html, /<rect class="ln [^"]*" data-line="\d+"/g)).toBe(tl.lines.length);
    // failed/held expectations are coloured
    expect(count(html, /class="ev ek-expectation ok"/g)).toBe(3);
  });

  it("lists events and lines in time order, events by seq at equal times", () => {
    const rows = tableOrder(tl);
    expect(rows).toHaveLength(tl.events.length + tl.lines.length);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.t).toBeGreaterThanOrEqual(rows[i - 1]!.t);
    const seqs = rows.flatMap((r) => ("event" in r && r.t === 1000 ? [r.event.seq] : []));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const order = [...html.matchAll(/<tr id="(ev|ln)-(\d+)"/g)].map((m) => `${m[1]}-${m[2]}`);
    expect(order).toEqual(rows.map((r) => ("event" in r ? `ev-${r.i}` : `ln-${r.i}`)));
    expect(html).toContain('<td class="time">3606.752000</td>');
  });

  it("renders a section per platform log with its interpretation, Linux print, decoded JSON and hex", () => {
    expect(count(html, /<section class="log" id="log-\d+" data-log="\d+">/g)).toBe(tl.logs.length);
    const log0 = /<section class="log" id="log-0"[\s\S]*?<\/section>/.exec(html)![0];
    expect(log0).toContain("DMA IOMMU fault: TCE access fault at 0x10 by 04:00.0 on PE#fa");
    expect(log0).toContain('<code class="ftype">DMA_IOMMU_FAULT</code>');
    expect(log0).toContain('<code class="ftype">PE_FROZEN</code>');
    expect(log0).toContain("<code>04:00.0</code>");
    expect(log0).toContain("PESTA[0fa] TCE access fault (bit 19), RID 04:00.0");
    expect(log0).toContain("PHB3 PHB#0 Diag-data (Version: 1)");
    expect(log0).toContain("PE[0fa] A/B: 8000102b04000000 8000000000000010");
    expect(log0).toMatch(/<details class="decoded"><summary>Decoded structure \(JSON\)<\/summary><pre class="block json">\{\n  &quot;ioType&quot;: 2,/);
    expect(log0).toContain("Hex dump (4392 bytes)");
    expect(log0).toContain("00000000: 00000001 00000002 00001128 00000000  ...........(....");
    expect(log0).toContain('href="#ev-2"');
    const fence = /<section class="log" id="log-3"[\s\S]*?<\/section>/.exec(html)![0];
    expect(fence).toContain("PHB_FENCE");
    // a PHB-wide log: the number comes from the PE of the event that produced it, or is unknown
    expect(fence).toContain("P7IOC PHB#? Diag-data (Version: 1)");
    const hinted = renderReport({ ...tl, events: tl.events.map((e) => (e.log === 3 ? { ...e, pe: "PHB#1-PE#7a" } : e)) });
    expect(hinted).toContain("P7IOC PHB#1 Diag-data (Version: 1)");
    const eehi = /<section class="log" id="log-2"[\s\S]*?<\/section>/.exec(html)![0];
    expect(eehi).toContain("from <strong>guest-vm1</strong>");
    expect(eehi).toContain("MMIO_ERROR");
  });

  it("shows the expectations and PASSED or FAILED at the top", () => {
    expect(html).toContain('<span class="status pass" id="status" data-ok="true">PASSED · 3 of 3 expectations held</span>');
    expect(html.indexOf('id="status"')).toBeLessThan(html.indexOf('id="timeline"'));
    const failed: Timeline = {
      ...tl,
      ok: false,
      expectations: [...tl.expectations, { path: "expect[3]", description: "PHB#0-PE#fb is removed", ok: false, detail: "it is normal" }],
    };
    const out = renderReport(failed);
    expect(out).toContain("FAILED · 1 of 4 expectations failed");
    expect(out).toMatch(/<tr data-expectation="3" class="failed"><td><code>expect\[3\]<\/code><\/td><td>PHB#0-PE#fb is removed<\/td><td class="fail">FAILED<\/td>/);
  });

  it("escapes every text of the document", () => {
    const evil = "<script>alert(1)</script>";
    const tlx: Timeline = {
      ...tl,
      scenario: { ...tl.scenario, name: `x ${evil}`, description: `"quoted" & <b>bold</b>` },
      pes: tl.pes.map((p, i) => (i === 0 ? { ...p, id: `PE"<${i}>`, devices: [evil] } : p)),
      states: tl.states.map((s) => (s.pe === tl.pes[0]!.id ? { ...s, pe: `PE"<0>` } : s)),
      events: tl.events.map((e, i) => (i === 0 ? { ...e, text: evil, pe: `PE"<0>` } : e)),
      lines: [...tl.lines, { t: 5, source: `guest-<img src=x onerror=alert(1)>`, level: "<i>", line: `</pre>${evil}` }],
      logs: tl.logs.map((l, i) => (i === 0 ? { ...l, headline: evil, decoded: { x: evil }, interpretation: { ...(l.interpretation as object), headline: evil } } : l)),
      expectations: [{ path: "expect[0]", description: evil, ok: true, detail: evil }],
      guests: [{ name: evil, hypervisor: evil }],
    };
    const out = renderReport(tlx);
    expect(count(out, /<script\b/g)).toBe(1);
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<b>bold");
    expect(out).toContain("x &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out).toContain("<title>eeh-emu report: x &lt;script&gt;alert(1)&lt;/script&gt;</title>");
    expect(out).toContain('data-lane="PE&quot;&lt;0&gt;"');
    expect(out).toContain("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(out).toContain("&lt;/pre&gt;&lt;script&gt;");
    // every "<" in the page starts a tag this renderer writes
    const tags = new Set([...out.matchAll(/<\/?([a-zA-Z!][\w-]*)/g)].map((m) => m[1]!.toLowerCase()));
    for (const t of tags) expect(["!doctype", "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "h4", "p", "span", "strong", "nav", "a", "section", "table", "thead", "tbody", "tr", "th", "td", "code", "div", "svg", "rect", "g", "line", "text", "tspan", "circle", "defs", "pattern", "path", "pre", "ul", "li", "details", "summary", "input", "label", "footer", "script", "dl", "dt", "dd"]).toContain(t);
  });

  it("is deterministic: the same document gives the same bytes", () => {
    const again = renderReport(JSON.parse(JSON.stringify(sampleTimeline())) as Timeline);
    expect(again).toBe(html);
    expect(html).not.toMatch(/20\d\d-\d\d-\d\d/); // no wall-clock date
  });

  it("renders an empty run", () => {
    const empty: Timeline = { ...tl, phbs: [], guests: [], pes: [], states: [], events: [], lines: [], logs: [], expectations: [], endTime: 0, ok: true };
    const out = renderReport(empty);
    expect(out).toContain("no PEs in this run");
    expect(out).toContain("This run produced no platform logs.");
    expect(out).toContain('<span class="status none"');
    expect(count(out, /data-lane="/g)).toBe(0);
  });

  it("draws generic interpretations and undecodable hex without failing", () => {
    const odd: Timeline = {
      ...tl,
      logs: [
        { ...tl.logs[0]!, kind: "rtas", hex: "zz", interpretation: { lines: ["EEH Event Notification", "line <2>"] } },
        { ...tl.logs[1]!, hex: "0000", interpretation: null },
        { ...tl.logs[2]!, interpretation: { severity: "odd", note: "text" } },
      ],
      events: tl.events.filter((e) => e.log === undefined || e.log < 3),
    };
    const out = renderReport(odd);
    expect(out).toContain("EEH Event Notification\nline &lt;2&gt;");
    expect(out).toContain("Not a hex string; shown as stored:");
    expect(out).toContain("No interpretation in the document for this log.");
    expect(out).toMatch(/The blob does not decode: /);
    expect(out).toContain("<dt>note</dt><dd>text</dd>");
  });
});
