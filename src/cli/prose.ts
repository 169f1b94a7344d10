/**
 * A command's help text as paragraphs: the line breaks inside a paragraph (there to keep the
 * source readable) become spaces, so oclif wraps each paragraph to the terminal in one piece
 * instead of breaking it again at every source line. A blank line still separates paragraphs.
 */
export function prose(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .join('\n\n');
}
