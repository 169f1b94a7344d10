import type { AnySchemaObject, FuncKeywordDefinition, SchemaValidateFunction } from 'ajv';

/**
 * `required` as a request validator reads it: a property whose schema says `readOnly: true` (by
 * itself or through the `$ref`s it follows) need not be sent, as OpenAPI says ("the required
 * will take effect on the response only"). The model keeps `readOnly` and `required` as the spec
 * wrote them (the public spec prints them so); this keyword, which replaces ajv's own `required`
 * in the request body validator, is the one place the rule lives (docs/policies.md). Errors have
 * the shape of ajv's: keyword `required`, `params.missingProperty`.
 */
export type ReadOnlyTest = (schema: unknown, baseId: string) => boolean;

export function requestRequired(isReadOnly: ReadOnlyTest): FuncKeywordDefinition {
  return {
    keyword: 'required',
    type: 'object',
    schemaType: 'array',
    errors: true,
    compile(names: string[], parent: AnySchemaObject, it) {
      const properties = parent.properties as Record<string, unknown> | undefined;
      const baseId = it?.baseId ?? '';
      const wanted = properties ? names.filter((n) => !isReadOnly(properties[n], baseId)) : names;
      const check: SchemaValidateFunction = (data: Record<string, unknown>) => {
        for (const name of wanted) {
          if (data[name] !== undefined) continue;
          // ajv adds instancePath and schemaPath.
          check.errors = [
            {
              keyword: 'required',
              params: { missingProperty: name },
              message: `must have required property '${name}'`,
            },
          ];
          return false;
        }
        return true;
      };
      return check;
    },
  };
}
