import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic, isGwError } from '../diagnostics/gw-error.js';
import type { ListenTls } from '../model/types.js';
import { type FilesContext, type LoadedTls, loadTlsCertificates } from './tls-certificates.js';

/** How long after the last change of a certificate file it is read again (a renewal writes cert and key apart). */
const SETTLE_MS = 300;

export interface CertificateWatch {
  close(): void;
}

/**
 * Watches the certificate and key files of `listen.tls` (their folders, so a renewal that replaces a file by a
 * rename is seen too) and reads them again after a change: `loaded` gets certificates that pass every check, and
 * `failed` the problems of those that do not (the ones in use keep serving).
 */
export function watchCertificates(
  tls: ListenTls,
  ctx: FilesContext,
  loaded: (tls: LoadedTls) => void,
  failed: (diagnostics: Diagnostic[]) => void,
): CertificateWatch {
  const files = tls.certificates.flatMap((c) => [c.cert, c.key]).map((f) => resolve(ctx.baseDir, f));
  const names = new Set(files.map((f) => basename(f)));
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const reload = () => {
    running = running.then(async () => {
      try {
        loaded(await loadTlsCertificates(tls, ctx));
      } catch (err) {
        failed(
          isGwError(err)
            ? err.diagnostics
            : [createDiagnostic('GW_INTERNAL', err instanceof Error ? err.message : String(err))],
        );
      }
    });
  };
  const watchers: FSWatcher[] = [...new Set(files.map((f) => dirname(f)))].map((dir) =>
    watch(dir, { persistent: false }, (_event, name) => {
      if (name !== null && !names.has(String(name))) return;
      clearTimeout(timer);
      timer = setTimeout(reload, SETTLE_MS);
    }),
  );
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
