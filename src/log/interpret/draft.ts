// The findings under construction. Rules run in order and may add evidence to a finding an
// earlier rule made (an error-status group corroborating an MMIO error, an ER-class LEM bit
// joining the PE it froze), so a finding stays mutable here until `finish` renders its
// summary from its final flags and evidence and freezes it.

import { describeEvidence } from "./bit-names.js";
import { FINDING_TYPES, type FindingType } from "./catalogue.js";
import type { DiagView } from "./diag-view.js";
import type { Evidence, EvidenceRegister, Finding } from "./types.js";

export interface Draft {
  readonly type: FindingType;
  /** Identity for lookups: PE number, or a rule-chosen key for PHB-wide UNKNOWN findings. */
  readonly key: string;
  flags: number;
  pe?: number;
  rid?: number;
  address?: bigint;
  readonly evidence: Evidence[];
  /** Phrases rules add for the summary (e.g. each reason a PHB is fenced). */
  readonly notes: string[];
  /** Renders the summary once the draft is complete. */
  describe: (d: Draft) => string;
}

export interface DraftInit {
  readonly key?: string;
  readonly flags?: number;
  readonly pe?: number;
  readonly rid?: number;
  readonly address?: bigint;
  readonly describe: (d: Draft) => string;
}

export class Drafts {
  private readonly list: Draft[] = [];
  /** type + key → draft, so per-PE lookups stay O(1) on a 512-PE table. */
  private readonly byKey = new Map<string, Draft>();

  constructor(readonly view: DiagView) {}

  add(type: FindingType, init: DraftInit): Draft {
    const d: Draft = {
      type,
      key: init.key ?? (init.pe !== undefined ? `pe:${init.pe}` : type),
      flags: init.flags ?? 0,
      evidence: [],
      notes: [],
      describe: init.describe,
    };
    if (init.pe !== undefined) d.pe = init.pe;
    if (init.rid !== undefined) d.rid = init.rid;
    if (init.address !== undefined) d.address = init.address;
    this.list.push(d);
    this.byKey.set(`${type}/${d.key}`, d);
    return d;
  }

  /** The draft of `type` with `key`, made by `init` when absent. */
  get(type: FindingType, key: string, init: () => DraftInit): Draft {
    return this.find(type, key) ?? this.add(type, { ...init(), key });
  }

  find(type: FindingType, key?: string): Draft | undefined {
    return key === undefined ? this.list.find((d) => d.type === type) : this.byKey.get(`${type}/${key}`);
  }

  /** The PHB-wide PHB_DEAD finding; its summary lists each reason a rule noted. */
  dead(): Draft {
    return this.get("PHB_DEAD", "PHB_DEAD", () => ({ describe: (d) => `PHB dead: ${d.notes.join("; ")}` }));
  }

  /** The PHB-wide PHB_FENCE finding. */
  fence(): Draft {
    return this.get("PHB_FENCE", "PHB_FENCE", () => ({ describe: (d) => `PHB fenced: ${d.notes.join("; ")}` }));
  }

  ofType(...types: FindingType[]): Draft[] {
    return this.list.filter((d) => types.includes(d.type));
  }

  /**
   * Where register bits go that no finding of their own path explains: a fence or a dead
   * PHB explains any error bit (the hardware stopped everything), else nothing does.
   */
  fallback(): Draft | undefined {
    return this.find("PHB_FENCE") ?? this.find("PHB_DEAD");
  }

  /** The UNKNOWN finding for `key`, listing its evidence in the summary. */
  unknown(key: string, what: string, pe?: number): Draft {
    return this.get("UNKNOWN", key, () => ({
      ...(pe !== undefined ? { pe } : {}),
      describe: (d) => `Unexplained ${what}: ${d.evidence.map((e) => describeEvidence(e, this.view.model)).join("; ")}`,
    }));
  }

  /** Add a summary phrase once. */
  note(d: Draft, text: string): void {
    if (!d.notes.includes(text)) d.notes.push(text);
  }

  /** Add `mask` of `register` (only its bits that are set, unless `clear`) to a draft's evidence. */
  cite(d: Draft, register: EvidenceRegister, mask: bigint, opts: { index?: number; clear?: true } = {}): void {
    if (mask === 0n) return;
    const same = d.evidence.findIndex((e) => e.register === register && e.index === opts.index && e.clear === opts.clear);
    if (same >= 0) {
      const prev = d.evidence[same]!;
      d.evidence[same] = { ...prev, mask: prev.mask | mask };
      return;
    }
    d.evidence.push({
      register,
      ...(opts.index !== undefined ? { index: opts.index } : {}),
      mask,
      ...(opts.clear ? { clear: true as const } : {}),
    });
  }

  /** Cite the bits of `mask` that are set in the field `register`. */
  citeSet(d: Draft, register: Exclude<EvidenceRegister, "pestA" | "pestB" | "unknown">, mask: bigint): void {
    this.cite(d, register, this.view.value(register) & mask);
  }

  /** The findings, most severe first (catalogue rank, then PE, then creation order). */
  finish(): Finding[] {
    const rank = (d: Draft): number => FINDING_TYPES[d.type].rank;
    const ordered = this.list.map((d, i) => ({ d, i })).sort((x, y) => rank(x.d) - rank(y.d) || (x.d.pe ?? -1) - (y.d.pe ?? -1) || x.i - y.i);
    return ordered.map(({ d }) => ({
      type: d.type,
      flags: d.flags,
      ...(d.pe !== undefined ? { pe: d.pe } : {}),
      ...(d.rid !== undefined ? { rid: d.rid } : {}),
      ...(d.address !== undefined ? { address: d.address } : {}),
      evidence: [...d.evidence],
      summary: d.describe(d),
    }));
  }
}
