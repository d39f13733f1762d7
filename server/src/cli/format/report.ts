// What a lint run produced, before it is formatted.
import type { Finding } from '../../core/types';

export interface FileReport {
  path: string;
  findings: Finding[];
}

export interface LintReport {
  files: FileReport[];
  /** Notes for stderr: registries that could not be reached and similar. */
  notes: string[];
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      a.rule.localeCompare(b.rule),
  );
}
