import { describe, expect, it } from 'vitest';
import {
  nginxName,
  nginxRegex,
  nginxReplacement,
  nginxSize,
  nginxString,
  nginxTime,
} from '../../../../src/targets/nginx/escape.js';

describe('nginx escaping and formatting', () => {
  const table: [string, () => string, string][] = [
    [
      'a string keeps a literal $ through the gw_dollar variable',
      () => nginxString('cost: $5 "now"'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's ${name} variable syntax, not a template
      '"cost: ${gw_dollar}5 \\"now\\""',
    ],
    ['a string has no newlines', () => nginxString('a\nb'), '"a b"'],
    [
      'a regex is quoted, PCRE escapes kept, a literal backslash doubled',
      () => nginxRegex('^/a\\.b\\\\c"$'),
      '"^/a\\.b\\\\\\\\c\\"$"',
    ],
    [
      'a replacement numbers captures and keeps literal text literal',
      () => nginxReplacement(['/v1/items/', 1, '/$x']),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's ${name} variable syntax, not a template
      '"/v1/items/$1/${gw_dollar}x"',
    ],
    ['whole seconds', () => nginxTime(5000), '5s'],
    ['milliseconds', () => nginxTime(250), '250ms'],
    ['mebibytes', () => nginxSize(10 * 1024 * 1024), '10m'],
    ['kibibytes', () => nginxSize(256 * 1024), '256k'],
    ['bytes', () => nginxSize(1000), '1000'],
    ['names', () => nginxName('orders~1'), 'gw_orders_1'],
  ];
  for (const [name, given, want] of table) it(name, () => expect(given()).toBe(want));
});
