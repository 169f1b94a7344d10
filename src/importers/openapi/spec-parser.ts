import { createRequire } from 'node:module';
import { $RefParser, JSONParserErrorGroup } from '@apidevtools/json-schema-ref-parser';

const require = createRequire(import.meta.url);
// swagger-parser's Swagger 2.0 rules and its server fix-up, from its lib/ (the package has no exports map).
const validateSpec = require('@apidevtools/swagger-parser/lib/validators/spec.js') as (api: unknown) => void;
const { fixOasRelativeServers } = require('@apidevtools/swagger-parser/lib/util.js') as {
  fixOasRelativeServers(schema: unknown, path: string): void;
};

const SUPPORTED_31 = ['3.1.0', '3.1.1', '3.1.2'];
const SUPPORTED_30 = ['3.0.0', '3.0.1', '3.0.2', '3.0.3', '3.0.4'];

/**
 * `new SwaggerParser().validate(path, api, options)` of @apidevtools/swagger-parser with
 * `validate: { schema: false, spec: true }`, step for step: the same $RefParser (its parse, resolve
 * and dereference), the same version checks and messages on parse, the same fix-up of relative
 * server URLs, then swagger-parser's own spec rules. Only its JSON Schema validator is left out:
 * gw checks the OpenAPI schema itself (schema-check.ts), and loading swagger-parser's index loads
 * that validator's Ajv and schemas, about 40 ms of every `gw` process that reads a spec.
 * test/unit/importers/spec-parser.test.ts holds the two side by side.
 */
export class SpecParser extends $RefParser {
  /**
   * Parses like swagger-parser: the document's version checked (Swagger 2.0, OpenAPI 3.0 or 3.1), relative servers
   * fixed for a URL.
   */
  override async parse(...args: unknown[]): Promise<never> {
    const path = typeof args[0] === 'string' ? args[0] : undefined;
    const schema = (await (super.parse as (...a: unknown[]) => Promise<unknown>)(...args)) as Record<string, unknown>;
    const from = path || (args[0] as string);
    // In swagger-parser's order, so that even a failure on a missing document reads the same.
    if (schema.swagger) {
      const info = schema.info as { version?: unknown } | undefined;
      if (typeof schema.swagger === 'number')
        throw new SyntaxError('Swagger version number must be a string (e.g. "2.0") not a number.');
      if (info && typeof info.version === 'number')
        throw new SyntaxError('API version number must be a string (e.g. "1.0.0") not a number.');
      if (schema.swagger !== '2.0')
        throw new SyntaxError(`Unrecognized Swagger version: ${String(schema.swagger)}. Expected 2.0`);
    } else {
      if (schema.paths === undefined) {
        if (!SUPPORTED_31.includes(schema.openapi as string) || schema.webhooks === undefined)
          throw new SyntaxError(`${from} is not a valid Openapi API definition`);
      } else if (typeof schema.openapi === 'number') {
        throw new SyntaxError('Openapi version number must be a string (e.g. "3.0.0") not a number.');
      } else if (schema.info && typeof (schema.info as { version?: unknown }).version === 'number') {
        throw new SyntaxError('API version number must be a string (e.g. "1.0.0") not a number.');
      } else if (![...SUPPORTED_31, ...SUPPORTED_30].includes(schema.openapi as string)) {
        throw new SyntaxError(
          `Unsupported OpenAPI version: ${String(schema.openapi)}. Swagger Parser only supports versions ` +
            `${[...SUPPORTED_31, ...SUPPORTED_30].join(', ')}`,
        );
      }
      fixOasRelativeServers(schema, path as string);
    }
    return schema as never;
  }

  /**
   * Dereferences, then applies swagger-parser's spec rules (Swagger 2.0 only: OpenAPI 3 documents pass as they do
   * there).
   */
  async validate(path: string, api: object, options: object): Promise<Record<string, unknown>> {
    const { document, refErrors, ruleError } = await this.validateAll(path, api, options);
    if (refErrors ?? ruleError) throw refErrors ?? ruleError;
    return document;
  }

  /**
   * As validate(), but problems do not stop it: $refs that lead nowhere (with `continueOnError`)
   * come back as the parser's error group, and a broken Swagger 2.0 rule as `ruleError`, beside
   * the document, dereferenced as far as it goes. The spec rules do not run on a document with
   * holes: they would report the holes again in other words.
   */
  async validateAll(path: string, api: object, options: object): Promise<ValidateAllResult> {
    try {
      await this.dereference(path, api as never, options as never);
    } catch (err) {
      if (!(err instanceof JSONParserErrorGroup) || this.schema === null || typeof this.schema !== 'object') throw err;
      return { document: this.schema as Record<string, unknown>, refErrors: err };
    }
    const document = this.schema as Record<string, unknown>;
    try {
      validateSpec(document);
    } catch (err) {
      return { document, ruleError: err };
    }
    return { document };
  }
}

export interface ValidateAllResult {
  document: Record<string, unknown>;
  refErrors?: JSONParserErrorGroup;
  ruleError?: unknown;
}
