/** A spec file (relative to the project folder, or a URL) and a JSON pointer into it. */
export interface Source {
  file: string;
  pointer: string;
}
