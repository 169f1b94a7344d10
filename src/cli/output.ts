import { Chalk } from 'chalk';

/** Colour only on a terminal, never with NO_COLOR; FORCE_COLOR forces it. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return Boolean(stream.isTTY);
}

export function chalkFor(stream: NodeJS.WriteStream): InstanceType<typeof Chalk> {
  return new Chalk({ level: useColor(stream) ? 1 : 0 });
}

export interface TableOptions {
  /**
   * Columns (by index) that a few long cells must not widen for every line: such a column is as
   * wide as its longest cell, but at most as wide as 9 in 10 of its cells or `LOOSE_MIN_WIDTH`,
   * whichever is more. A longer cell is printed whole and pushes the rest of its own line right.
   */
  loose?: readonly number[];
}

export const LOOSE_MIN_WIDTH = 40;

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => {
    const lengths = all.map((r) => (r[i] ?? '').length);
    const longest = Math.max(...lengths);
    if (!options.loose?.includes(i)) return longest;
    return Math.min(longest, Math.max(ninthDecile(lengths), LOOSE_MIN_WIDTH, header[i]!.length));
  });
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The length 9 in 10 of the cells fit in (nearest rank). */
function ninthDecile(lengths: readonly number[]): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.9) - 1)]!;
}
