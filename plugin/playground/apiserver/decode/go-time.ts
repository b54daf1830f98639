// metav1.Time and metav1.MicroTime as kube-apiserver reads and writes them
// (k8s.io/apimachinery/pkg/apis/meta/v1/time.go, micro_time.go): UnmarshalJSON parses with Go's
// time.Parse, layout time.RFC3339 ("2006-01-02T15:04:05Z07:00", which also takes a fraction) or
// RFC3339Micro ("2006-01-02T15:04:05.000000Z07:00", exactly six digits); MarshalJSON writes UTC,
// truncated to whole seconds or to microseconds, and the zero time as null. The parser below is
// Go's time/format.go parse() for the elements these two layouts use, with its error texts.
import { timeQuote } from './go-strings.js';

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339Micro = '2006-01-02T15:04:05.000000Z07:00';

/** Layouts as Go's nextStdChunk splits them: [literal prefix, std element]. */
const chunks: Record<string, [string, string][]> = {
  [RFC3339]: [['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'], ['', 'Z07:00']],
  [RFC3339Micro]: [['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'], ['', '.000000'], ['', 'Z07:00']],
};

export class TimeParseError extends Error {}

/** An instant: seconds since the Unix epoch (UTC) and nanoseconds within it. */
export interface Instant { seconds: number; nanos: number }

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
const commaOrPeriod = (c: string | undefined): boolean => c === '.' || c === ',';

class Bad extends Error {}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new Bad();
  if (!isDigit(s, 1)) {
    if (fixed) throw new Bad();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

/** time.atoi: an optional sign, then digits to the end. */
function atoi(s: string): number {
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '' || !/^\d+$/.test(s)) throw new Bad();
  const n = Number(s);
  return neg ? -n : n;
}

/** parseNanoseconds: value starts with the separator, nbytes counts it. */
function parseNanoseconds(value: string, nbytes: number): { ns: number; range?: string } {
  if (!commaOrPeriod(value[0])) throw new Bad();
  if (nbytes > 10) nbytes = 10;
  const ns = atoi(value.slice(1, nbytes));
  if (ns < 0) return { ns, range: 'fractional second' };
  return { ns: ns * 10 ** (10 - nbytes) };
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message = ''): TimeParseError {
  if (message !== '') return new TimeParseError(`parsing time ${timeQuote(value)}${message}`);
  return new TimeParseError(`parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`);
}

/** time.Parse(layout, value) for RFC3339 and RFC3339Micro; throws a TimeParseError with Go's text. */
export function goParseTime(layout: string, avalue: string): Instant {
  // Go slices bytes: work on a string of one char per UTF-8 byte.
  let value = Buffer.from(avalue, 'utf8').toString('latin1');
  const f = { year: 0, month: 0, day: 0, hour: 0, min: 0, sec: 0, nsec: 0, offset: 0 };
  for (const [prefix, std] of chunks[layout]) {
    if (prefix !== '') {
      if (!value.startsWith(prefix)) throw parseError(layout, avalue, prefix, value);
      value = value.slice(prefix.length);
    }
    const hold = value;
    let range = '';
    try {
      switch (std) {
        case '2006':
          if (value.length < 4 || !isDigit(value, 0)) throw new Bad();
          f.year = atoi(value.slice(0, 4));
          value = value.slice(4);
          break;
        case '01':
          [f.month, value] = getnum(value, true);
          if (f.month <= 0 || f.month > 12) range = 'month';
          break;
        case '02':
          [f.day, value] = getnum(value, true);
          break;
        case '15':
          [f.hour, value] = getnum(value, false);
          if (f.hour >= 24) range = 'hour';
          break;
        case '04':
          [f.min, value] = getnum(value, true);
          if (f.min >= 60) range = 'minute';
          break;
        case '05':
          [f.sec, value] = getnum(value, true);
          if (f.sec >= 60) {
            range = 'second';
            break;
          }
          // A fraction the layout does not ask for is still read (time.RFC3339 takes them).
          if (layout === RFC3339 && value.length >= 2 && commaOrPeriod(value[0]) && isDigit(value, 1)) {
            let n = 2;
            while (n < value.length && isDigit(value, n)) n++;
            const r = parseNanoseconds(value, n);
            f.nsec = r.ns;
            range = r.range ?? '';
            value = value.slice(n);
          }
          break;
        case '.000000': {
          if (value.length < 7) throw new Bad();
          const r = parseNanoseconds(value, 7);
          f.nsec = r.ns;
          range = r.range ?? '';
          value = value.slice(7);
          break;
        }
        default: { // Z07:00
          if (value[0] === 'Z') {
            value = value.slice(1);
            break;
          }
          if (value.length < 6 || value[3] !== ':') throw new Bad();
          const [sign, hh, mm] = [value[0], value.slice(1, 3), value.slice(4, 6)];
          value = value.slice(6);
          // As in Go, a bad number leaves 0, the range tests run, and a range error wins.
          let bad = false;
          const num = (s: string): number => {
            if (bad) return 0;
            try {
              return getnum(s, true)[0];
            } catch {
              bad = true;
              return 0;
            }
          };
          const hr = num(hh);
          const mi = num(mm);
          if (hr > 24) range = 'time zone offset hour';
          if (mi > 60) range = 'time zone offset minute';
          if (bad || (sign !== '+' && sign !== '-')) throw new Bad();
          f.offset = (sign === '-' ? -1 : 1) * (hr * 60 + mi) * 60;
        }
      }
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
      if (range !== '') throw parseError(layout, avalue, std, value, `: ${range} out of range`);
      throw parseError(layout, avalue, std, Buffer.from(hold, 'latin1').toString('utf8'));
    }
    if (range !== '') throw parseError(layout, avalue, std, value, `: ${range} out of range`);
  }
  if (value.length > 0) {
    throw parseError(layout, avalue, '', value, `: extra text: ${timeQuote(Buffer.from(value, 'latin1').toString('utf8'))}`);
  }
  const dim = f.month === 2 && isLeap(f.year) ? 29 : monthDays[f.month - 1];
  if (f.day < 1 || f.day > dim) throw parseError(layout, avalue, '', value, ': day out of range');
  const seconds = daysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.min * 60 + f.sec - f.offset;
  return { seconds, nanos: f.nsec };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Go's zero time.Time (January 1, year 1, 00:00:00 UTC) as Unix seconds. */
const zeroSeconds = daysFromCivil(1, 1, 1) * 86400;

/** MarshalJSON of Time (micro=false) or MicroTime (micro=true): null for the zero time. */
export function formatGoTime(t: Instant, micro: boolean): string | null {
  if (t.seconds === zeroSeconds && t.nanos === 0) return null;
  const days = Math.floor(t.seconds / 86400);
  const rest = t.seconds - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const clock = `${pad(Math.floor(rest / 3600), 2)}:${pad(Math.floor(rest / 60) % 60, 2)}:${pad(rest % 60, 2)}`;
  const frac = micro ? `.${pad(Math.floor(t.nanos / 1000), 6)}` : '';
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${clock}${frac}Z`;
}
