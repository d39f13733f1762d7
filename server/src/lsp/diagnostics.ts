// Findings as LSP diagnostics.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { ruleById } from '../core/rules';
import { helpUri } from '../core/rules/rule';
import type { Finding, Severity } from '../core/types';

export const DIAGNOSTIC_SOURCE = 'image-trust';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(finding: Finding): Diagnostic {
  const rule = ruleById(finding.rule);
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    codeDescription: rule ? { href: helpUri(finding.rule) } : undefined,
    message: finding.message,
  };
}
