import { randomUUID } from 'node:crypto';
import type { RenderedFile } from './types.js';

/**
 * Template output whose large sections are made later, piece by piece (RenderedFile.pieces): a
 * template helper returns `defer(pieces)`, a placeholder, in place of the section's text, and
 * `file()` turns the rendered template into a file whose pieces are its text with each placeholder
 * replaced by that section's pieces. The openapi target's documents are hundreds of MB on a large
 * gateway (and twice that in memory as text with one character beyond Latin-1); made this way, the
 * build writes them as they come and never holds a whole one. The text is the same either way.
 */
export class DeferredText {
  private readonly sections: (() => Iterable<string>)[] = [];
  /** Unique per render: no text a template or a view holds can pass for a placeholder. */
  private readonly tag = `\u0000gw-section-${randomUUID()}:`;

  /** A placeholder for the text `pieces` makes (called again each time the file's text is read). */
  defer(pieces: () => Iterable<string>): string {
    return `${this.tag}${this.sections.push(pieces) - 1}\u0000`;
  }

  /** The file `rendered` (a template's output, with placeholders) stands for. */
  file(path: string, rendered: string): RenderedFile {
    const parts = rendered.split(this.tag);
    const sections = this.sections;
    function* pieces(): Generator<string> {
      yield parts[0]!;
      for (const part of parts.slice(1)) {
        const end = part.indexOf('\u0000');
        yield* sections[Number(part.slice(0, end))]!();
        yield part.slice(end + 1);
      }
    }
    return piecewiseFile(path, pieces);
  }
}

/** A file made of `pieces`; its `contents` joins them each time it is read. */
export function piecewiseFile(path: string, pieces: () => Iterable<string>): RenderedFile {
  return {
    path,
    pieces,
    get contents() {
      return [...pieces()].join('');
    },
  };
}

/** The file as one text (what a file crossing threads carries: pieces are functions). */
export function wholeFile(f: RenderedFile): RenderedFile {
  if (!f.pieces) return f;
  const { pieces: _, contents, ...rest } = f;
  return { ...rest, contents };
}
