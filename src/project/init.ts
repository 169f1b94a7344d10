import { dirname, relative } from 'node:path';
import { SCHEMA_PATH } from './schema.js';

export interface InitAnswers {
  name: string;
  host: string;
  port: number;
  specs: string;
}

/** The first lines of every gw.yaml: the schema reference that editors (yaml-language-server) read. */
export function schemaComment(configFile: string): string {
  const ref = relative(dirname(configFile), SCHEMA_PATH).split('\\').join('/');
  return `# yaml-language-server: $schema=${ref}`;
}

/** A fresh gw.yaml, commented so a newcomer can edit it by hand. */
export function renderInitialConfig(configFile: string, a: InitAnswers): string {
  return `${schemaComment(configFile)}
# gw project file. Every key is described in docs/gw-yaml.md; \`gw validate\` checks it.
version: 1
name: ${a.name}
listen:
  host: ${a.host}
  port: ${a.port}
# Folder that \`gw import\` with no arguments scans for OpenAPI specs.
specs: ${a.specs}
# Gateway-wide defaults; specs (x-gw) and services below can override them.
settings:
  timeouts:
    connect: 5s
    request: 30s
# Added and updated by \`gw import\`; edit freely, your comments are kept.
services: []
`;
}

/** A gateway name from a folder name: lower-case, dashes; "gateway" when nothing usable is left. */
export function defaultGatewayName(folder: string): string {
  const slug = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return slug || 'gateway';
}
