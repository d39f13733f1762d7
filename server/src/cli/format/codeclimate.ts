// `--format codeclimate`: GitLab's code quality report (a subset of the Code Climate spec, GitLab
// Docs "Code Quality", "Implement a custom tool": an array of issues with `description`,
// `check_name`, `fingerprint`, `severity` (info, minor, major, critical, blocker) and
// `location.path` with `location.lines.begin`, or `location.positions`).
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../../core/types';
import type { LintReport } from './report';

const SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'major', info: 'info' };

export interface CodeClimateIssue {
  type: 'issue';
  check_name: string;
  description: string;
  categories: string[];
  severity: string;
  fingerprint: string;
  location: {
    path: string;
    lines: { begin: number; end: number };
    positions: { begin: { line: number; column: number }; end: { line: number; column: number } };
  };
}

export function toCodeClimate(report: LintReport): string {
  const issues: CodeClimateIssue[] = [];
  for (const file of report.files) {
    // Paths relative to the repository root, forward slashes, as GitLab links them.
    const path = file.path.replace(/\\/g, '/').replace(/^\.\//, '');
    const seen = new Map<string, number>();
    for (const finding of file.findings) {
      // Stable across runs and line moves: the same rule on the same reference in the same file;
      // a counter separates repeats of the same reference.
      const base = `${path}\u0000${finding.rule}\u0000${finding.reference}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      issues.push(issue(path, finding, createHash('sha256').update(`${base}\u0000${n}`).digest('hex')));
    }
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}

function issue(path: string, f: Finding, fingerprint: string): CodeClimateIssue {
  return {
    type: 'issue',
    check_name: f.rule,
    description: f.message,
    categories: ['Security'],
    severity: SEVERITY[f.severity],
    fingerprint,
    location: {
      path,
      lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 },
      positions: {
        begin: { line: f.range.start.line + 1, column: f.range.start.character + 1 },
        end: { line: f.range.end.line + 1, column: f.range.end.character + 1 },
      },
    },
  };
}
