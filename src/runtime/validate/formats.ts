import { isIPv4, isIPv6 } from 'node:net';

/**
 * The string and number formats OpenAPI names, checked as ajv-formats' "fast" mode does (by
 * shape, not by calendar). Formats not listed (password, binary, anything custom) are not
 * checked: OpenAPI says unknown formats pass.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A dot-atom local part, @, and a host name (what Ajv's formats and most validators accept). */
const EMAIL = new RegExp(
  "^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*" +
    '@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
  'i',
);
const TIME = /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i;
const DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month]!) return false;
  const year = Number(m[1]);
  return month !== 2 || day < 29 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
}

export const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  date: validDate,
  time: (s) => TIME.test(s),
  'date-time': (s) => {
    const t = s.search(/[tT ]/);
    return t === 10 && validDate(s.slice(0, 10)) && /(z|[+-]\d{2}:?\d{2})$/i.test(s) && TIME.test(s.slice(11));
  },
  email: (s) => EMAIL.test(s),
  hostname: (s) =>
    s.length <= 253 &&
    /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i.test(s),
  ipv4: (s) => isIPv4(s),
  ipv6: (s) => isIPv6(s),
  uri: (s) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s),
  'uri-reference': (s) => !/\s/.test(s),
  uuid: (s) => /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(s),
  byte: (s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s),
};

export const NUMBER_FORMATS: Record<string, (n: number) => boolean> = {
  int32: (n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
  int64: (n) => Number.isInteger(n),
  float: (n) => Number.isFinite(n),
  double: (n) => Number.isFinite(n),
};
