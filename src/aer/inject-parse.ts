// The `aer-inject` input language (aer-xen.md §4.1), parsed into injections.
//
//   AER
//   PCI_ID [WWWW:]BB:DD.F            — or —   BUS <n> DEV <n> FN <n>
//   COR_STATUS   {RCVR|BAD_TLP|BAD_DLLP|REP_ROLL|REP_TIMER|<number>} ...
//   UNCOR_STATUS {TRAIN|DLP|POISON_TLP|FCP|COMP_TIME|COMP_ABORT|UNX_COMP|RX_OVER|MALF_TLP|ECRC|UNSUP|<number>} ...
//   HEADER_LOG <n> <n> <n> <n>
//
// Keywords and symbols are case-insensitive; `#` starts a comment to the end of the line;
// newlines are insignificant; a file holds several errors, each starting with `AER`.
// Aliases: ID = PCI_ID, COR/CORRECTABLE = COR_STATUS, UNCOR/UNCORRECTABLE = UNCOR_STATUS,
// HL = HEADER_LOG. Numbers are C literals (decimal, 0x hex, leading-0 octal). Status values
// on one field are OR-ed; missing fields are 0. Every bad input is an AerInjectSyntaxError
// naming the 1-based line and column of the offending token; nothing else is ever thrown.

import { EehError } from "../core/errors.js";
import { parsePciAddress, type PciAddress } from "../pci/address.js";
import { AER_INJECT_COR_SYMBOLS, AER_INJECT_UNCOR_SYMBOLS } from "../log/aer/names.js";

/** Bad aer-inject input: `line`/`column` are 1-based, of the token that is wrong. */
export class AerInjectSyntaxError extends EehError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number, token?: string) {
    super("DECODE", `${message} at line ${line}, column ${column}`, { line, column, ...(token !== undefined ? { token } : {}) });
    this.line = line;
    this.column = column;
  }
}

const FIELD_ALIASES: Readonly<Record<string, Field>> = {
  PCI_ID: "id",
  ID: "id",
  BUS: "bus",
  COR_STATUS: "cor",
  COR: "cor",
  CORRECTABLE: "cor",
  UNCOR_STATUS: "uncor",
  UNCOR: "uncor",
  UNCORRECTABLE: "uncor",
  HEADER_LOG: "hl",
  HL: "hl",
};
type Field = "id" | "bus" | "cor" | "uncor" | "hl";

/** One error of the file: what `aer-inject` writes to /dev/aer_inject. */
export interface AerInjection {
  /** Line of its `AER` keyword. */
  readonly line: number;
  readonly id: PciAddress;
  /** Whether the file named the device (else 0000:00:00.0, the "missing fields are 0" rule). */
  readonly idGiven: boolean;
  readonly corStatus: number;
  readonly uncorStatus: number;
  readonly headerLog: readonly [number, number, number, number];
}

interface Token {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** Input larger than this is refused (a real file is a few hundred bytes). */
export const AER_INJECT_MAX_INPUT = 1 << 20;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      col = 1;
      i++;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      col++;
      continue;
    }
    const start = i;
    const startCol = col;
    while (i < text.length && !/[\s#]/.test(text[i]!)) {
      i++;
      col++;
    }
    out.push({ text: text.slice(start, i), line, column: startCol });
  }
  return out;
}

/** A C integer literal (strtoul with base 0): decimal, 0x hex, leading-0 octal; ≤ 0xffffffff. */
export function parseCNumber(text: string): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(text)) v = Number.parseInt(text.slice(2), 16);
  else if (/^0[0-7]{0,11}$/.test(text)) v = text.length === 1 ? 0 : Number.parseInt(text.slice(1), 8);
  else if (/^[1-9][0-9]{0,9}$/.test(text)) v = Number.parseInt(text, 10);
  else return undefined;
  return v <= 0xffffffff ? v : undefined;
}

const isNumberLike = (t: string): boolean => /^[0-9]/.test(t);

/**
 * Parse aer-inject input. `overrideId` is the command line's `-s/--id`, which replaces every
 * error's device. Throws AerInjectSyntaxError.
 */
export function parseAerInject(text: string, overrideId?: PciAddress): AerInjection[] {
  if (typeof text !== "string") throw new AerInjectSyntaxError("input is not text", 1, 1);
  if (text.length > AER_INJECT_MAX_INPUT) throw new AerInjectSyntaxError(`input longer than ${AER_INJECT_MAX_INPUT} characters`, 1, 1);
  const toks = tokenize(text);
  const out: AerInjection[] = [];
  let i = 0;
  const err = (t: Token | undefined, message: string): AerInjectSyntaxError => {
    if (t) return new AerInjectSyntaxError(message, t.line, t.column, t.text);
    const last = toks[toks.length - 1];
    return new AerInjectSyntaxError(message, last?.line ?? 1, last ? last.column + last.text.length : 1);
  };
  const number = (what: string, max = 0xffffffff): number => {
    const t = toks[i];
    if (!t) throw err(undefined, `expected ${what} but the input ended`);
    const v = parseCNumber(t.text);
    if (v === undefined) throw err(t, `expected ${what} (a C number: decimal, 0x hex or 0 octal), got "${t.text}"`);
    if (v > max) throw err(t, `${what} ${t.text} is above ${max}`);
    i++;
    return v;
  };

  if (toks.length === 0) throw new AerInjectSyntaxError("no error in the input (it must start with AER)", 1, 1);
  while (i < toks.length) {
    const head = toks[i]!;
    if (head.text.toUpperCase() !== "AER") throw err(head, `expected AER to start an error, got "${head.text}"`);
    i++;
    let id: PciAddress = { domain: 0, bus: 0, device: 0, fn: 0 };
    let idGiven = false;
    let cor = 0;
    let uncor = 0;
    let hl: [number, number, number, number] = [0, 0, 0, 0];
    const seen = new Set<Field>();
    while (i < toks.length && toks[i]!.text.toUpperCase() !== "AER") {
      const kw = toks[i]!;
      const field = FIELD_ALIASES[kw.text.toUpperCase()];
      if (!field) throw err(kw, `unknown keyword "${kw.text}" (PCI_ID, BUS, COR_STATUS, UNCOR_STATUS, HEADER_LOG or AER)`);
      const key: Field = field === "bus" ? "id" : field;
      if (seen.has(key)) throw err(kw, `${key === "id" ? "the device" : kw.text.toUpperCase()} is given twice in one error`);
      seen.add(key);
      i++;
      switch (field) {
        case "id": {
          const t = toks[i];
          if (!t) throw err(undefined, "expected a PCI id [WWWW:]BB:DD.F but the input ended");
          try {
            id = parsePciAddress(t.text, 0);
          } catch {
            throw err(t, `"${t.text}" is not a PCI id [WWWW:]BB:DD.F (hex)`);
          }
          i++;
          idGiven = true;
          break;
        }
        case "bus": {
          const bus = number("a bus number", 0xff);
          const expect = (word: string): void => {
            const t = toks[i];
            if (!t || t.text.toUpperCase() !== word) throw err(t, `expected ${word} after BUS <n>${word === "FN" ? " DEV <n>" : ""}`);
            i++;
          };
          expect("DEV");
          const device = number("a device number", 0x1f);
          expect("FN");
          const fn = number("a function number", 7);
          id = { domain: 0, bus, device, fn };
          idGiven = true;
          break;
        }
        case "cor":
        case "uncor": {
          const symbols = field === "cor" ? AER_INJECT_COR_SYMBOLS : AER_INJECT_UNCOR_SYMBOLS;
          let value = 0;
          let n = 0;
          while (i < toks.length) {
            const t = toks[i]!;
            const sym = symbols[t.text.toUpperCase()];
            if (sym !== undefined) {
              value |= sym;
              i++;
            } else if (isNumberLike(t.text)) value |= number("a status value");
            else if (n === 0) throw err(t, `"${t.text}" is not ${field === "cor" ? "a correctable" : "an uncorrectable"} error symbol (${Object.keys(symbols).join(", ")}) or number`);
            else break;
            n++;
          }
          if (n === 0) throw err(undefined, `${kw.text.toUpperCase()} needs at least one value but the input ended`);
          if (field === "cor") cor = value >>> 0;
          else uncor = value >>> 0;
          break;
        }
        case "hl": {
          hl = [number("header log dword 0"), number("header log dword 1"), number("header log dword 2"), number("header log dword 3")];
          break;
        }
      }
    }
    out.push({ line: head.line, id: overrideId ?? id, idGiven: idGiven || overrideId !== undefined, corStatus: cor, uncorStatus: uncor, headerLog: hl });
  }
  return out;
}
