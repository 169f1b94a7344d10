/**
 * The user stopped a command on purpose (Ctrl-C at a prompt). Not a problem in their files and
 * not a bug in gw: GwCommand prints the message as one plain line and exits 130, as a shell does
 * for a process ended by SIGINT.
 */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

export const CANCELLED_EXIT_CODE = 130;
