import type { Hook } from '@oclif/core';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { formatDiagnostics } from '../diagnostics/print.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import { useColor } from './output.js';

/** oclif hook: an unknown command is a usage error (exit 2) with a "did you mean". */
const hook: Hook<'command_not_found'> = async (opts) => {
  const ids = opts.config.commandIDs.filter((id) => !id.startsWith('plugins'));
  const close = suggestClosest(opts.id.split(':')[0]!, ids);
  const typed = opts.id.replace(/:/g, ' ');
  const d = createDiagnostic('GW_USAGE', `"${typed}" is not a gw command`, {
    hints: [
      close ? `did you mean \`gw ${close}\`?` : `the commands are: ${ids.sort().join(', ')}`,
      '`gw --help` lists them with a summary each',
    ],
  });
  process.stderr.write(formatDiagnostics([d], { color: useColor(process.stderr) }));
  process.exit(2);
};

export default hook;
