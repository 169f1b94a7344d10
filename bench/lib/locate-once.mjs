// Diagnosis task: what gw pays to put line:column on its first diagnostic about a spec.
// Loads the spec text and asks gw's own PointerLocator (dist/) for one pointer; the locator
// parses the whole text with the `yaml` library, once, on first use.
// Usage: node bench/lib/locate-once.mjs PROJECT_DIR SPEC_FILE POINTER
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [projectDir, file, pointer] = process.argv.slice(2);
const { PointerLocator } = await import(pathToFileURL(join(projectDir, 'dist', 'diagnostics', 'locate.js')).href);
const at = new PointerLocator(readFileSync(file, 'utf8')).locate(pointer);
process.stdout.write(`${pointer} -> ${at ? `${at.line}:${at.column}` : 'not found'}\n`);
