import { basename } from 'node:path';
import { formatPointer } from '../../diagnostics/json-pointer.js';
import type {
  ApiComponent,
  ApiGap,
  ApiTag,
  ComponentKind,
  HttpMethod,
  JsonObject,
  RouteApi,
  Source,
} from '../../model/types.js';
import { createWalker, isObject, type ResolveDeep, type Walker } from './api-walk.js';
import { displayName, resolveRawRef, type RawDocuments, type RawTarget } from './raw-documents.js';
import {
  bodyToRequestBody,
  convertParameter2,
  convertResponse2,
  formToRequestBody,
  type GapSink,
  type MediaTypes,
} from './swagger2.js';

/**
 * The public description of one service, from its raw documents: per operation a RouteApi, and
 * the components they reach. Every `$ref` becomes `#/components/<kind>/<name>`: the spec's own
 * component names stay; other targets (another file, a pointer into paths) get a name derived
 * from the target, made unique within the kind. Swagger 2.0 is converted on the way (swagger2.ts).
 */
export interface ApiCollector {
  /** The RouteApi of `method path` as the spec writes it (path-item $refs followed). */
  operation(path: string, method: HttpMethod): RouteApi;
  /** Components reached so far, sorted by kind and name, and what the conversion lost. */
  finish(): { components: ApiComponent[]; gaps: ApiGap[] };
}

/** Where each kind lives in the root document: 3.x components, 2.0 definitions/parameters/responses. */
function rootPath(kind: ComponentKind, swagger2: boolean): string[] | undefined {
  if (!swagger2) return ['components', kind];
  return kind === 'schemas' ? ['definitions'] : kind === 'parameters' || kind === 'responses' ? [kind] : undefined;
}

/** A component name OpenAPI accepts (`^[a-zA-Z0-9._-]+$`), from any text. */
export function componentName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'component';
}

const MAX_REF_HOPS = 32;

export function createApiCollector(raw: RawDocuments, swagger2: boolean): ApiCollector {
  const root = raw.docs[raw.root] as JsonObject;
  const byTarget = new Map<string, string>();
  const used = new Map<ComponentKind, Set<string>>();
  const queue: { kind: ComponentKind; name: string; target: RawTarget }[] = [];
  const components: ApiComponent[] = [];
  const gaps: ApiGap[] = [];
  const types: MediaTypes = { consumes: strings(root.consumes), produces: strings(root.produces) };
  const sinkAt =
    (doc: string, pointer: string): GapSink =>
    (kind, message, at) =>
      gaps.push({ kind, message, source: { file: displayName(raw, doc), pointer: pointer + at } });

  const rootComponent = (kind: ComponentKind, t: RawTarget): string | undefined => {
    const base = rootPath(kind, swagger2);
    if (!base || t.key !== raw.root || t.path.length !== base.length + 1 || base.some((s, i) => t.path[i] !== s))
      return undefined;
    return t.path[base.length];
  };
  const rootHas = (kind: ComponentKind, name: string): boolean => {
    const base = rootPath(kind, swagger2);
    let v: unknown = root;
    for (const s of base ?? []) v = isObject(v) ? v[s] : undefined;
    return base !== undefined && isObject(v) && name in v;
  };
  const pickName = (kind: ComponentKind, t: RawTarget): string => {
    const own = rootComponent(kind, t);
    if (own !== undefined && /^[A-Za-z0-9._-]+$/.test(own)) return own;
    const base = componentName(own ?? t.path.at(-1) ?? basename(t.key).replace(/\.[^.]*$/, ''));
    let name = base;
    for (let i = 2; used.get(kind)?.has(name) || rootHas(kind, name); i++) name = `${base}_${i}`;
    return name;
  };

  const follow = (ref: string, doc: string): RawTarget | undefined => {
    const hash = ref.indexOf('#');
    return hash >= 0 && ref[hash + 1] !== undefined && ref[hash + 1] !== '/' ? undefined : resolveRawRef(raw, doc, ref);
  };
  /** Below a component, and not made a component already (a cycle through it): inlined. */
  const resolveDeep: ResolveDeep = (kind, ref, doc) => {
    // 2.0 parameters and responses need converting: registered as before.
    if (swagger2 && kind !== 'schemas' && kind !== 'value') return undefined;
    if (!BELOW_COMPONENT_TEXT.test(ref)) return undefined; // most $refs: no pointer resolved twice
    const t = follow(ref, doc);
    if (!t || t.value === undefined || !isBelowComponent(t.path)) return undefined;
    const key = `${t.key}${formatPointer(t.path)}`;
    return byTarget.has(`${kind} ${key}`) ? undefined : { key, value: t.value, doc: t.key };
  };

  const refTo = (kind: ComponentKind, ref: string, doc: string): string => {
    const target = follow(ref, doc);
    if (!target || target.value === undefined) {
      gaps.push({
        kind: 'openapi.unfollowable-ref',
        message:
          `$ref "${ref}" leads to nothing gw can follow (an anchor, an $id, or a file read differently); ` +
          `the public spec keeps it as written`,
        source: { file: displayName(raw, doc), pointer: '#' },
      });
      return ref;
    }
    const key = `${kind} ${target.key}${formatPointer(target.path)}`;
    let name = byTarget.get(key);
    if (name === undefined) {
      name = pickName(kind, target);
      byTarget.set(key, name);
      if (!used.has(kind)) used.set(kind, new Set());
      used.get(kind)!.add(name);
      queue.push({ kind, name, target });
    }
    return `#/components/${kind}/${name}`;
  };

  const inlinePathItem =
    swagger2 || !String(root.openapi).startsWith('3.0')
      ? undefined
      : (ref: string, doc: string) => {
          const t = resolveRawRef(raw, doc, ref);
          return t.value === undefined ? undefined : { value: t.value, doc: t.key };
        };
  const walker = createWalker({ refTo, resolveDeep, swagger2, ...(inlinePathItem ? { inlinePathItem } : {}) });

  const convertComponent = (kind: ComponentKind, t: RawTarget): unknown => {
    const v = t.value;
    if (swagger2 && isObject(v) && typeof v.$ref !== 'string') {
      const gap = sinkAt(t.key, formatPointer(t.path));
      if (kind === 'parameters') return walker.parameter(convertParameter2(v, gap), t.key);
      if (kind === 'responses') return convertResponse2(v, types, walker, t.key, gap);
    }
    return walker.walkers[kind](v, t.key);
  };

  const drain = (): void => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const value = convertComponent(item.kind, item.target);
      const source: Source = { file: displayName(raw, item.target.key), pointer: formatPointer(item.target.path) };
      components.push({ kind: item.kind, name: item.name, value: value as JsonObject, source });
    }
  };

  return {
    operation(path, method) {
      const item = followRefs(raw, raw.root, ['paths', path], (root.paths as JsonObject)[path]);
      const m = method.toLowerCase();
      const op = isObject(item.value) && isObject(item.value[m]) ? (item.value[m] as JsonObject) : {};
      const at = formatPointer([...item.path, m]);
      const params = mergeParameters(raw, item.value, op, item.key);
      const api = swagger2
        ? operation2(op, params, { ...types, ...opTypes(op) }, walker, item.key, sinkAt(item.key, at))
        : operation3(op, params, walker, item.key);
      drain();
      return api;
    },
    finish() {
      drain();
      components.sort((a, b) =>
        a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      return { components, gaps };
    },
  };
}

/** A cheap first look at the text of a `$ref`: a fragment that may lead below a component. */
const BELOW_COMPONENT_TEXT = /#\/(?:components\/[^/]+\/[^/]+|definitions\/[^/]+|parameters\/[^/]+|responses\/[^/]+)\/./;

/**
 * A pointer into a component rather than at one: `#/components/<kind>/<name>/...`, or Swagger
 * 2.0's `#/definitions/<name>/...`, `#/parameters/<name>/...`, `#/responses/<name>/...`.
 */
export function isBelowComponent(path: readonly string[]): boolean {
  if (path[0] === 'components') return path.length > 3;
  return (path[0] === 'definitions' || path[0] === 'parameters' || path[0] === 'responses') && path.length > 2;
}

/** Follows a chain of `$ref`s (a path item in another file, a parameter defined elsewhere) to the object written. */
function followRefs(raw: RawDocuments, key: string, path: string[], value: unknown): RawTarget {
  let t: RawTarget = { key, path, value };
  for (let hops = 0; isObject(t.value) && typeof t.value.$ref === 'string' && hops < MAX_REF_HOPS; hops++)
    t = resolveRawRef(raw, t.key, t.value.$ref);
  return t;
}

interface ParamEntry {
  /** As written (a $ref stays a $ref). */
  value: JsonObject;
  /** What it resolves to, for its name and location, and the document that holds it. */
  resolved: JsonObject;
  resolvedDoc: string;
  doc: string;
}

/**
 * Path-item parameters, then the operation's; an operation parameter replaces the path item's of the same name and
 * location.
 */
function mergeParameters(raw: RawDocuments, item: unknown, op: JsonObject, doc: string): ParamEntry[] {
  const byId = new Map<string, ParamEntry>();
  for (const list of [isObject(item) ? item.parameters : undefined, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (!isObject(p)) continue;
      const target = followRefs(raw, doc, [], p);
      const resolved = target.value;
      if (!isObject(resolved)) continue;
      const id = `${String(resolved.in)}:${String(resolved.name)}`;
      byId.delete(id);
      byId.set(id, { value: p, resolved, resolvedDoc: target.key, doc });
    }
  }
  return [...byId.values()];
}

function operation3(op: JsonObject, params: ParamEntry[], walker: Walker, doc: string): RouteApi {
  const api: RouteApi = common(op);
  if (params.length > 0) api.parameters = params.map((p) => walker.parameter(p.value, p.doc) as JsonObject);
  if (op.requestBody !== undefined) api.requestBody = walker.requestBody(op.requestBody, doc) as JsonObject;
  if (isObject(op.responses)) api.responses = objectMap(op.responses, (r) => walker.response(r, doc));
  if (isObject(op.callbacks)) api.callbacks = objectMap(op.callbacks, (c) => walker.callback(c, doc));
  return withExtensions(api, op);
}

function operation2(
  op: JsonObject,
  params: ParamEntry[],
  types: MediaTypes,
  walker: Walker,
  doc: string,
  gap: GapSink,
): RouteApi {
  const api: RouteApi = common(op);
  const plain: JsonObject[] = [];
  const form: JsonObject[] = [];
  let body: JsonObject | undefined;
  for (const p of params) {
    if (p.resolved.in === 'body') body = bodyToRequestBody(p.resolved, types, walker, p.resolvedDoc);
    else if (p.resolved.in === 'formData') form.push(p.resolved);
    else
      plain.push(
        walker.parameter(p.value.$ref !== undefined ? p.value : convertParameter2(p.value, gap), p.doc) as JsonObject,
      );
  }
  if (plain.length > 0) api.parameters = plain;
  if (form.length > 0) body = walker.requestBody(formToRequestBody(form, types, gap), doc) as JsonObject;
  if (body) api.requestBody = body;
  if (isObject(op.responses)) {
    api.responses = objectMap(op.responses, (r) =>
      isObject(r) && typeof r.$ref !== 'string'
        ? convertResponse2(r, types, walker, doc, gap)
        : walker.response(r, doc),
    );
  }
  return withExtensions(api, op);
}

function common(op: JsonObject): RouteApi {
  const api: RouteApi = {};
  if (typeof op.description === 'string') api.description = op.description;
  if (isObject(op.externalDocs)) api.externalDocs = op.externalDocs;
  return api;
}

function withExtensions(api: RouteApi, op: JsonObject): RouteApi {
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-') && k !== 'x-gw') api[k as `x-${string}`] = v;
  return api;
}

function opTypes(op: JsonObject): Partial<MediaTypes> {
  const out: Partial<MediaTypes> = {};
  if (Array.isArray(op.consumes)) out.consumes = strings(op.consumes);
  if (Array.isArray(op.produces)) out.produces = strings(op.produces);
  return out;
}

function objectMap(v: JsonObject, fn: (x: unknown) => unknown): Record<string, JsonObject> {
  const out = sparseKeyed<JsonObject>();
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('x-')) out[k] = fn(x) as JsonObject;
  return out;
}

/**
 * An empty object for keys such as status codes. V8 stores integer-like keys ("200", "404") in an
 * array as long as the largest of them (~5 KB for a `responses` with a "500"; 76 MB over the routes
 * of a gateway of 22,000 operations) unless the object holds them in a dictionary, as JSON.parse
 * makes it; a key past 1,024 turns it into one, and it stays one once that key is deleted.
 */
function sparseKeyed<T>(): Record<string, T> {
  const out: Record<string, T> = {};
  out[DICTIONARY_INDEX] = undefined as T;
  delete out[DICTIONARY_INDEX];
  return out;
}
const DICTIONARY_INDEX = 1 << 20;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** The spec's own tags, in spec order. */
export function readTags(doc: JsonObject, file: string): ApiTag[] {
  if (!Array.isArray(doc.tags)) return [];
  return doc.tags.flatMap((t, i) => {
    if (!isObject(t) || typeof t.name !== 'string') return [];
    const tag: ApiTag = { name: t.name, source: { file, pointer: `#/tags/${i}` } };
    if (typeof t.description === 'string') tag.description = t.description;
    if (isObject(t.externalDocs)) tag.externalDocs = t.externalDocs;
    return [tag];
  });
}
