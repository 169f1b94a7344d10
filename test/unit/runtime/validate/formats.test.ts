import { describe, expect, it } from 'vitest';
import { NUMBER_FORMATS, STRING_FORMATS } from '../../../../src/runtime/validate/formats.js';

describe('formats', () => {
  const cases: [format: string, value: string | number, ok: boolean][] = [
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['date', '2024-13-01', false],
    ['date-time', '2024-03-01T09:30:00Z', true],
    ['date-time', '2024-03-01T09:30:00.123+02:00', true],
    ['date-time', '2024-03-01 09:30', false],
    ['email', 'ada@example.com', true],
    ['email', 'not-an-email', false],
    ['uuid', '3f2a1c4e-9b8d-4e2f-a1b2-c3d4e5f60718', true],
    ['uuid', '3f2a1c4e', false],
    ['ipv4', '10.0.0.1', true],
    ['ipv6', '::1', true],
    ['uri', 'https://example.com/a?b', true],
    ['uri', 'no scheme', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', 'a', false],
    ['int32', 2147483647, true],
    ['int32', 2147483648, false],
    ['int64', 1.5, false],
  ];
  for (const [format, value, ok] of cases) {
    it(`${format} ${JSON.stringify(value)}: ${ok ? 'valid' : 'invalid'}`, () => {
      const check = typeof value === 'number' ? NUMBER_FORMATS[format]!(value) : STRING_FORMATS[format]!(value);
      expect(check).toBe(ok);
    });
  }
});
