import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import { formatComposeRef } from '../model/compose-ref.js';
import type { ComposeInput, ComposeRequestPart, ComposeStepDraft, JsonObject, Route } from '../model/types.js';
import { checkRef, type RefScope } from './compose-refs.js';
import { deref, inlineSchema, isObject, typeOf, typesFit, type ComponentLookup } from './compose-schema.js';

/** One thing an operation takes: a parameter, or its body. */
interface Accepted {
  name: string;
  in: ComposeRequestPart;
  required: boolean;
  schema: JsonObject | undefined;
}

const PART_ORDER: ComposeRequestPart[] = ['path', 'query', 'header', 'body'];

/** What the called operation takes: its path, query and header parameters, then its body. */
function acceptedBy(route: Route, lookup: ComponentLookup): Accepted[] {
  const params = (route.api?.parameters ?? []).map((p) => deref(p, lookup)).filter(isObject);
  const out: Accepted[] = params
    .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
    .map((p) => ({
      name: String(p.name),
      in: p.in as ComposeRequestPart,
      required: p.in === 'path' || p.required === true,
      schema: inlineSchema(p.schema, lookup),
    }));
  for (const p of route.params)
    if (!out.some((a) => a.in === 'path' && a.name === p.name))
      out.push({ name: p.name, in: 'path', required: true, schema: { ...p.schema } });
  const body = deref(route.api?.requestBody, lookup);
  if (body) {
    const content = isObject(body.content) ? (body.content as Record<string, JsonObject>) : {};
    const json = Object.keys(content).find((m) => /json/.test(m));
    const schema = json !== undefined ? inlineSchema(content[json]!.schema, lookup) : undefined;
    out.push({ name: 'body', in: 'body', required: body.required === true, schema });
  }
  return out.sort((a, b) => PART_ORDER.indexOf(a.in) - PART_ORDER.indexOf(b.in));
}

/** The step's `with`, checked against what its operation takes, in the operation's order. */
export function settleInputs(
  draft: ComposeStepDraft,
  route: Route,
  lookup: ComponentLookup,
  scope: RefScope,
  diagnostics: Diagnostic[],
): ComposeInput[] {
  const accepted = acceptedBy(route, lookup);
  const given = new Map<Accepted, ComposeInput>();
  for (const w of draft.with) {
    const target = accepted.find((a) =>
      a.in === 'header' ? a.name.toLowerCase() === w.name.toLowerCase() : a.name === w.name,
    );
    if (!target) {
      const close = suggestClosest(
        w.name,
        accepted.map((a) => a.name),
      );
      diagnostics.push(
        createDiagnostic('GW_COMPOSE_UNKNOWN_INPUT', `step "${draft.name}": ${route.id} takes no "${w.name}"`, {
          locations: [w.source],
          hints: [
            close ? `did you mean "${close}"?` : `it takes: ${accepted.map((a) => a.name).join(', ') || 'nothing'}`,
          ],
        }),
      );
      continue;
    }
    const found = checkRef(w.from, scope, draft);
    if ('problem' in found) {
      diagnostics.push(
        createDiagnostic('GW_COMPOSE_REF', `step "${draft.name}": ${found.problem}`, {
          locations: [w.source],
          hints: [found.hint],
        }),
      );
    } else if (!typesFit(typeOf(found.schema), typeOf(target.schema))) {
      const message =
        `step "${draft.name}": ${target.in} parameter "${target.name}" of ${route.id} is ` +
        `${typeOf(target.schema)}, but ${formatComposeRef(w.from)} is ${typeOf(found.schema)}`;
      diagnostics.push(
        createDiagnostic('GW_COMPOSE_INPUT_TYPE', message, {
          locations: [w.source],
          hints: ['point the input at a value of that type (a JSON Pointer can pick one member)'],
        }),
      );
    }
    given.set(target, { name: target.name, in: target.in, from: w.from });
  }
  for (const a of accepted) {
    if (!a.required || given.has(a)) continue;
    diagnostics.push(
      createDiagnostic(
        'GW_COMPOSE_MISSING_INPUT',
        `step "${draft.name}": ${route.id} requires ${a.in === 'body' ? 'a body' : `${a.in} parameter "${a.name}"`}`,
        { locations: [draft.source], hints: [missingHint(a, scope)] },
      ),
    );
  }
  return accepted.filter((a) => given.has(a)).map((a) => given.get(a)!);
}

/** Suggests the composite's own parameter of that name when it has one. */
function missingHint(a: Accepted, scope: RefScope): string {
  const own = (scope.composite.api?.parameters ?? [])
    .map((p) => deref(p, scope.lookup))
    .find((p) => p?.name === a.name && (p.in === 'path' || p.in === 'query' || p.in === 'header'));
  const from = own ? `request.${String(own.in)}.${a.name}` : a.in === 'body' ? 'request.body' : 'steps.NAME#/pointer';
  return `add it to the step: with: { ${a.name}: ${from} }`;
}
