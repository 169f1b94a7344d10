import { input, number } from '@inquirer/prompts';
import type { InitAnswers } from '../project/init.js';
import { CancelledError } from './cancelled.js';

/** The questions `gw init` asks on a terminal; Ctrl-C at any of them is a CancelledError. */
export async function askInitQuestions(defaults: InitAnswers): Promise<InitAnswers> {
  try {
    return await ask(defaults);
  } catch (err) {
    // @inquirer/prompts' ExitPromptError (Ctrl-C, or the terminal closed), matched by name:
    // @inquirer/core, which defines it, is not a dependency of ours.
    const cancelled = err instanceof Error && err.name === 'ExitPromptError';
    if (cancelled) throw new CancelledError('cancelled, nothing was written');
    throw err;
  }
}

/** Each answer is checked as the schema would. */
async function ask(defaults: InitAnswers): Promise<InitAnswers> {
  const name = await input({
    message: 'Gateway name',
    default: defaults.name,
    validate: (v) =>
      /^[a-z][a-z0-9-]{0,62}$/.test(v) || 'lower-case letters, digits and dashes, starting with a letter',
  });
  const port = await number({ message: 'Listen port', default: defaults.port, min: 0, max: 65535, required: true });
  const specs = await input({
    message: 'Folder where the OpenAPI specs live',
    default: defaults.specs,
    validate: (v) => v.trim().length > 0 || 'a folder name',
  });
  return { name, host: defaults.host, port: port ?? defaults.port, specs: specs.trim() };
}
