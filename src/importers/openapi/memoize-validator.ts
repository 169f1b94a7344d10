/**
 * Rewrites the source of a standalone Ajv validator (ajv/dist/standalone) so that, within one call
 * of the validator, each of its functions checks a given object once: a dereferenced OpenAPI
 * document shares every `$ref` target among the places that use it, and Ajv walks it as a tree,
 * so a schema used in 500 places was checked 500 times (Microsoft Graph's 20 MB spec is a 16
 * million node tree; DocuSign's 3 MB one a 15 million node tree).
 *
 * Only passes are remembered: an object that fails is checked again at every place, so the errors,
 * their paths and their order stay exactly Ajv's. A pass can be reused because, with gw's options
 * (no $data, no defaults, coercion or removal), whether a function accepts a value depends on the
 * value alone, and nothing changes the document while it is checked; the memory lives for one call.
 * Functions whose evaluated properties depend on the value (unevaluatedProperties across a $ref,
 * in the 3.1 schema) are left as they are, and a source this rewrite does not recognise is
 * returned unchanged: slower, never different.
 */
export function memoizeValidator(source: string): string {
  const declarations = source.match(/function validate\d+\(/g) ?? [];
  const header = /function (validate\d+)\((data, \{[^()]*\}=\{\})\)\{/g;
  const headers = source.match(header) ?? [];
  // $dynamicRef reads dynamicAnchors: the result would depend on more than the value.
  if (headers.length === 0 || headers.length !== declarations.length || /dynamicAnchors\s*[.[]/.test(source)) {
    return source;
  }
  // Each `function validateN(...)` becomes the wrapper's body; the wrapper takes the name, so the
  // body's own `validateN.errors = ...`, its recursive calls and every caller go through the wrapper.
  const rewritten = source.replace(
    header,
    (_, name: string, params: string) =>
      `function ${name}(data, options){return gwOnce(${name}, ${name}$checked, data, options);}` +
      `function ${name}$checked(${params}){`,
  );
  return `${rewritten}\n${ONCE_HELPER}`;
}

/** Plain JavaScript, appended to the generated module (its functions are hoisted). */
const ONCE_HELPER = `/* gw: memoizeValidator (src/importers/openapi/memoize-validator.ts) */
let gwPassed = null;
function gwOnce(fn, check, data, options) {
  const evaluated = fn.evaluated;
  if (data === null || typeof data !== "object" || (evaluated && (evaluated.dynamicProps || evaluated.dynamicItems))) {
    return check(data, options);
  }
  const outermost = gwPassed === null;
  if (outermost) gwPassed = new Map();
  try {
    let passed = gwPassed.get(fn);
    if (passed !== undefined && passed.has(data)) {
      fn.errors = null;
      return true;
    }
    const ok = check(data, options);
    if (ok) {
      if (passed === undefined) gwPassed.set(fn, (passed = new WeakSet()));
      passed.add(data);
    }
    return ok;
  } finally {
    if (outermost) gwPassed = null;
  }
}
`;
