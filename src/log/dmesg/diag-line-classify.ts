// Recognise one message body as a line of a PHB diag dump (powernv-opal.md §4.2–§4.4):
// a header, a register line, a PE line, or something that starts like one but is cut or
// malformed. Word count and widths are checked here (a label prints the same words in
// every model that has it); which labels a model prints, and in what order, is the dump
// assembler's business, since only it knows the model.

import type { PhbDiagModel } from "../opal/constants.js";
import { DIAG_PRINT_MODELS, fieldWidth, findDiagLine } from "./diag-lines.js";

export type DiagLineShape =
  | { readonly kind: "header"; readonly model: PhbDiagModel; readonly phbText: string; readonly version: number }
  | { readonly kind: "header-damaged"; readonly model: PhbDiagModel; readonly phbText?: string; readonly why: string }
  /**
   * `column`: where the first value starts (13 for P7IOC/PHB3, 12 for PHB4). `why` is set
   * when the words do not fit the label (count or width): a cut or garbled line. Shared
   * labels print the same number and width of words in every model, so this check needs
   * no model.
   */
  | { readonly kind: "field"; readonly label: string; readonly column: number; readonly words: readonly string[]; readonly why?: string }
  | { readonly kind: "pest-entry"; readonly indexText: string; readonly a: bigint; readonly b: bigint }
  | { readonly kind: "pest-as-above"; readonly indexText: string }
  | { readonly kind: "pest-damaged"; readonly why: string }
  | { readonly kind: "other" };

const HEADER = /^(P7IOC|PHB3|PHB4) PHB#([0-9a-fA-F]{1,8}) Diag-data \(Version: (\d{1,10})\)$/;
const HEADER_START = /^(P7IOC|PHB3|PHB4) PHB#([0-9a-fA-F]{0,8})/;
const FIELD = /^([A-Za-z][A-Za-z0-9]{0,15}):( *)(.*)$/;
const PE_ENTRY = /^PE\[( {0,2}[0-9a-fA-F]{1,4})\] A\/B: ([0-9a-fA-F]{16}) ([0-9a-fA-F]{16})$/;
const PE_AS_ABOVE = /^PE\[\.\.([0-9a-fA-F]{1,4})\] A\/B: as above$/;

/** Every label any model prints. */
export const DIAG_LABELS: ReadonlySet<string> = new Set(Object.values(DIAG_PRINT_MODELS).flatMap((m) => m.lines.map((l) => l.label)));

export function classifyDiagLine(body: string): DiagLineShape {
  const text = body.trimStart(); // some captures indent; Linux itself does not
  let m: RegExpExecArray | null;
  if ((m = HEADER.exec(text))) {
    return { kind: "header", model: m[1] as PhbDiagModel, phbText: m[2] ?? "", version: Number(m[3]) };
  }
  if ((m = HEADER_START.exec(text))) {
    const phbText = m[2] ?? "";
    return { kind: "header-damaged", model: m[1] as PhbDiagModel, ...(phbText ? { phbText } : {}), why: "header line cut or malformed" };
  }
  if ((m = FIELD.exec(text)) && DIAG_LABELS.has(m[1] ?? "")) {
    const label = m[1] ?? "";
    const rest = (m[3] ?? "").trim();
    const words = rest === "" ? [] : rest.split(/ +/);
    const why = checkWords(label, words);
    return { kind: "field", label, column: label.length + 1 + (m[2]?.length ?? 0), words, ...(why ? { why } : {}) };
  }
  if ((m = PE_ENTRY.exec(text))) {
    return { kind: "pest-entry", indexText: m[1] ?? "", a: BigInt(`0x${m[2]}`), b: BigInt(`0x${m[3]}`) };
  }
  if ((m = PE_AS_ABOVE.exec(text))) return { kind: "pest-as-above", indexText: m[1] ?? "" };
  if (text.startsWith("PE[")) return { kind: "pest-damaged", why: "PE line cut or malformed" };
  return { kind: "other" };
}

/** True for a shape that belongs to a dump but could not be read completely. */
export function isDamaged(shape: DiagLineShape): boolean {
  return shape.kind === "header-damaged" || shape.kind === "pest-damaged" || (shape.kind === "field" && shape.why !== undefined);
}

const MODELS: readonly PhbDiagModel[] = ["PHB3", "PHB4", "P7IOC"];

function checkWords(label: string, words: readonly string[]): string | undefined {
  for (const model of MODELS) {
    const found = findDiagLine(model, label);
    if (!found) continue;
    const widths = found.spec.fields.map((f) => fieldWidth(model, f));
    const shapeText = widths.map((w) => `%0${w}x`).join(" ");
    if (words.length !== widths.length) return `${label}: expected ${widths.length} value(s) (${shapeText}), found ${words.length}`;
    const bad = words.findIndex((w, i) => !isHexOfWidth(w, widths[i] ?? 0));
    if (bad >= 0) return `${label}: value ${bad + 1} "${words[bad]}" is not ${widths[bad]} hex digits`;
    return undefined;
  }
  return `${label}: unknown label`;
}

function isHexOfWidth(w: string, width: number): boolean {
  return w.length === width && /^[0-9a-fA-F]+$/.test(w);
}
