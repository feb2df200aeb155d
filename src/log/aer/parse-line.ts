// Read one AER kernel-log line (any generation of aer-xen.md §2.2/§2.3/§4.2) back into the
// value the printer prints. Input is a message body with the log prefix already removed
// (dmesg/line-prefix.ts). Every pattern is anchored and linear (bounded quantifiers, no
// nested repetition), so arbitrary input cannot make it backtrack for long.

import { AER_RECOVERY_KINDS, type AerDevRef, type AerLine, type AerLineBody } from "./lines.js";
import { AER_AGENTS, AER_LAYERS, AER_LOG_FORMATS, severityFromString, type AerAgent, type AerLayer, type AerLogFormat, type AerSeverity } from "./names.js";

export interface ParsedAerLine {
  readonly line: AerLine;
  /** Whether `AER: ` followed the device prefix. */
  readonly aerPrefix: boolean;
  /** The printout generations whose printer produces this text (§2.2 (A)/(B)/(C)). */
  readonly formats: readonly AerLogFormat[];
}

const BDF = "([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])";
const HEX4 = "([0-9a-fA-F]{4})";
const HEX8 = "([0-9a-fA-F]{8})";
const SEV = "(Corrected|Uncorrected \\(Non-Fatal\\)|Uncorrected \\(Fatal\\)|Correctable|Uncorrectable \\(Non-Fatal\\)|Uncorrectable \\(Fatal\\))";
const LAYER = `(${AER_LAYERS.join("|")})`;
const AGENT = `(${AER_AGENTS.join("|")})`;

const PREFIX = new RegExp(`^([^\\s:]{1,64}) ${BDF}: `);

const hex = (s: string | undefined): number => Number.parseInt(s ?? "", 16);
const dec = (s: string | undefined): number => Number.parseInt(s ?? "", 10);

type Make = (m: RegExpExecArray) => AerLineBody | undefined;

interface Rule {
  readonly re: RegExp;
  readonly make: Make;
  /** Generations the shape belongs to (default: all). */
  readonly formats?: (m: RegExpExecArray) => readonly AerLogFormat[];
}

const OLD: readonly AerLogFormat[] = ["legacy", "v4.19"];
const byName = (sevText: string | undefined): readonly AerLogFormat[] => (sevText?.startsWith("Uncorrectable") || sevText === "Correctable" ? ["mainline"] : OLD);

function sev(s: string | undefined): AerSeverity {
  return severityFromString(s ?? "")!; // the regex only admits known strings
}

const r = (re: string, make: Make, formats?: Rule["formats"]): Rule => ({ re: new RegExp(`^${re}$`), make, ...(formats ? { formats } : {}) });

const RULES: readonly Rule[] = [
  r(
    `(Multiple )?${SEV} error received: id=${HEX4}`,
    (m) => ({ kind: "root", severity: sev(m[2]), multiple: m[1] !== undefined, source: hex(m[3]), noDetails: false }),
    () => ["legacy"],
  ),
  r(
    `(Multiple )?${SEV} error received: ${BDF}`,
    (m) => ({ kind: "root", severity: sev(m[2]), multiple: m[1] !== undefined, source: m[3]!.toLowerCase(), noDetails: false }),
    () => ["v4.19"],
  ),
  r(
    `(Multiple )?${SEV} error message received from ${BDF}( \\(no details found\\)?)?`,
    (m) => ({ kind: "root", severity: sev(m[2]), multiple: m[1] !== undefined, source: m[3]!.toLowerCase(), noDetails: m[4] !== undefined }),
    () => ["mainline"],
  ),
  r(
    `PCIe Bus Error: severity=${SEV}, type=${LAYER}, (?:id=${HEX4})?\\(${AGENT}\\)`,
    (m) => ({ kind: "bus-error", severity: sev(m[1]), layer: m[2] as AerLayer, agent: m[4] as AerAgent, ...(m[3] !== undefined ? { id: hex(m[3]) } : {}) }),
    (m) => (m[3] !== undefined ? ["legacy"] : byName(m[1]).filter((f) => f !== "legacy")),
  ),
  r(
    `PCIe Bus Error: severity=${SEV}, type=(?:Inaccessible|Unaccessible), (?:id=${HEX4})?\\(Unregistered Agent ID\\)`,
    (m) => ({ kind: "inaccessible", severity: sev(m[1]), ...(m[2] !== undefined ? { id: hex(m[2]) } : {}) }),
    (m) => (m[2] !== undefined ? ["legacy"] : byName(m[1]).filter((f) => f !== "legacy")),
  ),
  r(`\\s{0,4}device \\[${HEX4}:${HEX4}\\] error status/mask=${HEX8}/${HEX8}`, (m) => ({ kind: "device", vendor: hex(m[1]), device: hex(m[2]), status: hex(m[3]), mask: hex(m[4]) })),
  r(`\\s{0,6}\\[ ?(\\d{1,2})\\] ([^\\s(](?:[^()]{0,60}[^\\s(])?) {0,40}(\\(First\\))?`, (m) =>
    dec(m[1]) > 31 ? undefined : { kind: "bit", bit: dec(m[1]), name: m[2]!, first: m[3] !== undefined },
  ),
  r(`\\s{0,4}TLP Header( \\(Flit\\))?: ([0-9a-fA-Fx :EPrefis-]{1,400})`, (m) => parseTlp(m[1] !== undefined, m[2]!), (m) => (m[2]!.includes("0x") ? ["mainline"] : OLD)),
  r(`\\s{0,4}Error of this Agent(?:\\(${HEX4}\\))? is reported first`, (m) => ({ kind: "agent-first", ...(m[1] !== undefined ? { id: hex(m[1]) } : {}) }), (m) =>
    m[1] !== undefined ? ["legacy"] : ["v4.19", "mainline"],
  ),
  r(`can't find device of ID${HEX4}`, (m) => ({ kind: "no-source", id: hex(m[1]) }), () => OLD),
  r(`Exceeded max supported \\((\\d{1,3})\\) devices with errors logged`, (m) => ({ kind: "exceeded", max: dec(m[1]) }), () => ["mainline"]),
  r(`aer_status: 0x${HEX8}, aer_mask: 0x${HEX8}`, (m) => ({ kind: "ff-status", status: hex(m[1]), mask: hex(m[2]) })),
  r(`aer_layer=${LAYER}, aer_agent=${AGENT}`, (m) => ({ kind: "ff-layer", layer: m[1] as AerLayer, agent: m[2] as AerAgent })),
  r(`aer_uncor_severity: 0x${HEX8}`, (m) => ({ kind: "ff-severity", severity: hex(m[1]) })),
  r(`can't recover \\(state transition (\\d{1,10}) -> (\\d{1,10}) invalid\\)`, (m) => ({ kind: "cant-recover-transition", from: dec(m[1]), to: dec(m[2]) })),
  r(`can't recover \\(no error_detected callback\\)`, () => ({ kind: "cant-recover-no-callback" })),
  r(`subordinate device reset failed`, () => ({ kind: "reset-failed" })),
  r(`[Dd]evice recovery successful`, () => ({ kind: "recovery-successful" })),
  r(`[Dd]evice recovery failed`, () => ({ kind: "recovery-failed" })),
  r(`(Root|Downstream) Port link has been reset(?: \\((-?\\d{1,10})\\))?`, (m) => ({ kind: "link-reset", port: m[1] as "Root" | "Downstream", rc: m[2] === undefined ? 0 : dec(m[2]) })),
  r(`has been reset`, () => ({ kind: "flr-reset", rc: 0 })),
  r(`not reset \\(no FLR support: (-?\\d{1,10})\\)`, (m) => ({ kind: "flr-reset", rc: dec(m[1]) })),
  r(`enabled with IRQ (\\d{1,10})`, (m) => ({ kind: "enabled", irq: dec(m[1]) })),
  r(`DPC: containment event, status:0x${HEX4} source:0x${HEX4}`, (m) => ({ kind: "dpc-containment", status: hex(m[1]), source: hex(m[2]) })),
  r(`DPC: unmasked uncorrectable error detected`, () => ({ kind: "dpc-unmasked" })),
  r(`aer_inject: Injecting errors ${HEX8}/${HEX8} into device ${BDF}`, (m) => ({ kind: "inject", cor: hex(m[1]), uncor: hex(m[2]), target: m[3]!.toLowerCase() })),
];

const DWORD = /^(?:0x)?([0-9a-fA-F]{8})$/;

function parseTlp(flit: boolean, text: string): AerLineBody | undefined {
  const [head, pre] = text.split(" E-E Prefixes:", 2) as [string, string | undefined];
  const words = (s: string): number[] | undefined => {
    const out: number[] = [];
    for (const t of s.trim().split(" ")) {
      const m = DWORD.exec(t);
      if (!m) return undefined;
      out.push(hex(m[1]));
    }
    return out;
  };
  const dwords = words(head);
  if (!dwords || dwords.length < 4 || dwords.length > (flit ? 14 : 4)) return undefined;
  const prefixes = pre === undefined ? [] : words(pre);
  if (!prefixes || prefixes.length > 4 || (flit && prefixes.length > 0)) return undefined;
  return { kind: "tlp", dwords, flit, prefixes };
}

/** Parse one message body; undefined when it is not an AER line. */
export function parseAerLine(body: string): ParsedAerLine | undefined {
  if (body.length > 600) return undefined;
  let rest = body;
  let dev: AerDevRef | undefined;
  const p = PREFIX.exec(rest);
  if (p) {
    dev = { driver: p[1]!, address: p[2]!.toLowerCase() };
    rest = rest.slice(p[0].length);
  }
  const aerPrefix = rest.startsWith("AER: ");
  if (aerPrefix) rest = rest.slice(5);
  // `pcieport 0000:00:1c.5: aer_inject: …` and a bare `aer_inject: …` both occur.
  for (const rule of RULES) {
    const m = rule.re.exec(rest);
    if (!m) continue;
    const b = rule.make(m);
    if (!b) continue;
    let formats = rule.formats?.(m) ?? AER_LOG_FORMATS;
    // (A) had no dev_fmt: only its root line carries `AER: ` (print.ts hasAerPrefix).
    if (aerPrefix && b.kind !== "root" && !AER_RECOVERY_KINDS.has(b.kind)) formats = formats.filter((f) => f !== "legacy");
    return { line: { ...(dev ? { dev } : {}), body: b }, aerPrefix, formats };
  }
  return undefined;
}
