// Preloaded with `node --import` when /usr/bin/time is missing: at exit, writes this process's
// peak resident set size (KiB, as process.resourceUsage().maxRSS gives it) to $GW_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.GW_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    try {
      writeFileSync(out, String(process.resourceUsage().maxRSS));
    } catch {
      // The benchmark reports a missing figure; never change the measured command's exit.
    }
  });
}
