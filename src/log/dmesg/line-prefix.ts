// Strip the decorations a kernel line picks up on its way to a file: printk level `<6>`,
// the `[ 8123.441205]` seconds-since-boot stamp, `dmesg -T` wall-clock stamps, `dmesg -x`
// facility/level columns, syslog and journal prefixes (`Nov 23 18:40:01 host kernel: `, ISO
// dates), a bare `kernel: `. Prefixes may stack (journal short-monotonic puts the stamp
// first), so they are peeled repeatedly, a bounded number of times.
//
// Every pattern is anchored and linear (no nested quantifiers), so arbitrary input cannot
// make the parser backtrack for long.

export interface LinePrefix {
  /** Seconds since boot from a `[ 123.456789]` stamp. */
  readonly timestamp?: number;
  /** A wall-clock stamp as written (syslog, ISO 8601, or dmesg -T). */
  readonly wallClock?: string;
  readonly host?: string;
  /** printk level: a number from `<N>`, or the name from `dmesg -x`. */
  readonly level?: number | string;
}

export interface StrippedLine extends LinePrefix {
  /** The message as the kernel printed it (trailing whitespace removed). */
  readonly body: string;
  /** True when at least one prefix was removed. */
  readonly prefixed: boolean;
}

const MONO = /^\[\s*(\d{1,10}\.\d{1,9})\]\s?/;
const CTIME = /^\[((?:[A-Z][a-z]{2} ){2}[ \d]\d \d\d:\d\d:\d\d \d{4})\]\s?/;
const LEVEL = /^<(\d)>/;
const DMESG_X = /^(?:kern|user|daemon|syslog)\s{0,8}:([a-z]{1,8})\s{0,8}:\s?/;
const SYSLOG = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S{1,255}) kernel: ?/;
const ISO = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) (\S{1,255}) kernel: ?/;
const HOST_KERNEL = /^(\S{1,255}) kernel: ?/; // after a stamp only (journalctl -o short-monotonic)
const KERNEL = /^kernel: ?/;

const MAX_PREFIXES = 8;

export function stripLinePrefix(raw: string): StrippedLine {
  let s = raw.trimEnd(); // not /\s+$/: that is quadratic on long inner runs of spaces
  let timestamp: number | undefined;
  let wallClock: string | undefined;
  let host: string | undefined;
  let level: number | string | undefined;
  let prefixed = false;
  for (let i = 0; i < MAX_PREFIXES; i++) {
    let m: RegExpExecArray | null;
    if ((m = LEVEL.exec(s))) level = Number(m[1]);
    else if ((m = MONO.exec(s))) timestamp = Number(m[1]);
    else if ((m = CTIME.exec(s))) wallClock = m[1];
    else if ((m = DMESG_X.exec(s))) level = m[1];
    else if ((m = SYSLOG.exec(s)) || (m = ISO.exec(s))) {
      wallClock = m[1];
      host = m[2];
    } else if ((m = KERNEL.exec(s))) {
      // bare "kernel: "
    } else if ((timestamp !== undefined || wallClock !== undefined) && (m = HOST_KERNEL.exec(s))) host = m[1];
    else break;
    s = s.slice(m[0].length);
    prefixed = true;
  }
  return {
    body: s,
    prefixed,
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(wallClock !== undefined ? { wallClock } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(level !== undefined ? { level } : {}),
  };
}
