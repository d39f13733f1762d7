// `--format json`: the contract's shape. Lines and columns are 1-based, end exclusive.
import type { Finding, Fix } from '../../core/types';
import type { LintReport } from './report';

export interface JsonFix {
  title: string;
  replacement: string;
  /** Present when the fix writes somewhere other than the finding's range (an ARG default). */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export function toJson(report: LintReport): string {
  return `${JSON.stringify({ files: report.files.map((f) => ({ path: f.path, findings: f.findings.map(jsonFinding) })) }, null, 2)}\n`;
}

function jsonFinding(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    message: f.message,
    reference: f.reference,
    fixes: f.fixes.filter((x) => !x.disabledReason).map(jsonFix),
    ...(f.vulnerabilityIds?.length ? { vulnerabilities: f.vulnerabilityIds } : {}),
  };
}

function jsonFix(fix: Fix): JsonFix {
  const out: JsonFix = { title: fix.title, replacement: fix.replacement };
  if (fix.range) {
    out.line = fix.range.start.line + 1;
    out.column = fix.range.start.character + 1;
    out.endLine = fix.range.end.line + 1;
    out.endColumn = fix.range.end.character + 1;
  }
  return out;
}
