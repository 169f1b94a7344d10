const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
/**
 * Method, target and every field line in one pass of the regex engine: a token method, a target
 * of visible bytes, token names, values of visible bytes, blanks and tabs. Anything above 0xFF is
 * refused too: written as latin1 it would lose its high byte (U+010A would go out as LF).
 */
const HEAD = new RegExp(
  `^${TOKEN} [\\x21-\\x7e\\x80-\\xff]+ HTTP/1\\.1\\r\\n(?:${TOKEN}: [\\t\\x20-\\x7e\\x80-\\xff]*\\r\\n)*$`,
);

/**
 * The request head as gw writes it upstream (without its blank line), or undefined when a part
 * of it would not stay inside its own line: CR, LF, NUL or another control byte in the method,
 * the target, a name or a value, or a name that is not a token. The regex checks the shape; a
 * value with CR LF inside would still look like two valid lines, so the line ends are counted.
 */
export function requestHead(method: string, path: string, headers: readonly string[]): string | undefined {
  let text = `${method} ${path} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  if (!HEAD.test(text)) return undefined;
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines === headers.length / 2 + 1 ? text : undefined;
}
