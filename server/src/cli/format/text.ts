// Default output: one line per finding, grouped by file, coloured on a terminal.
import type { Severity } from '../../core/types';
import type { LintReport } from './report';

const COLOR: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

export function toText(report: LintReport, color: boolean): string {
  const c = (code: string, s: string) => (color ? `${code}${s}${RESET}` : s);
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const file of report.files) {
    if (file.findings.length === 0) continue;
    out.push(c(BOLD, file.path));
    for (const f of file.findings) {
      counts[f.severity]++;
      const where = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
      out.push(
        `  ${c(DIM, where.padEnd(7))} ${c(COLOR[f.severity], f.severity.padEnd(7))} ${f.message} ${c(DIM, f.rule)}`,
      );
      const fix = f.fixes.find((x) => !x.disabledReason);
      if (fix) out.push(`  ${' '.repeat(7)} ${' '.repeat(7)} ${c(DIM, `fix: ${fix.title} → ${fix.replacement}`)}`);
    }
    out.push('');
  }
  const total = counts.error + counts.warning + counts.info;
  const checked = `${report.files.length} file${report.files.length === 1 ? '' : 's'} checked`;
  out.push(
    total === 0
      ? `${checked}, no findings`
      : `${checked}: ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info`,
  );
  return `${out.join('\n')}\n`;
}
