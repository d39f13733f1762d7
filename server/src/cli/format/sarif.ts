// `--format sarif`: SARIF 2.1.0 with every rule described, so GitHub code scanning shows them.
import { pathToFileURL } from 'node:url';
import { relative, isAbsolute, sep } from 'node:path';
import { RULES } from '../../core/rules';
import { helpUri } from '../../core/rules/rule';
import type { Finding, Severity } from '../../core/types';
import type { LintReport } from './report';

const LEVEL: Record<Severity | 'off', 'error' | 'warning' | 'note' | 'none'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  off: 'none',
};

export function toSarif(report: LintReport, version: string, cwd = process.cwd()): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results = report.files.flatMap((file) =>
    file.findings.map((f) => sarifResult(f, artifactUri(file.path, cwd), ruleIndex.get(f.rule) ?? -1)),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'image-trust',
            version,
            semanticVersion: version,
            informationUri: 'https://github.com/image-trust/image-trust',
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description} ${r.help}` },
              help: { text: r.help, markdown: `${r.help}\n\n[Rule documentation](${helpUri(r.id)})` },
              helpUri: helpUri(r.id),
              defaultConfiguration: { level: LEVEL[r.defaultSeverity], enabled: r.defaultSeverity !== 'off' },
              properties: { tags: ['security', 'supply-chain', 'containers'], precision: 'high' },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).toString() } },
        artifacts: report.files.map((f) => ({ location: { uri: artifactUri(f.path, cwd), uriBaseId: '%SRCROOT%' } })),
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function artifactUri(path: string, cwd: string): string {
  const rel = isAbsolute(path) ? relative(cwd, path) : path;
  return rel.split(sep).map(encodeURIComponent).join('/').replace(/^\.\//, '');
}

function sarifResult(f: Finding, uri: string, ruleIndex: number) {
  const region = {
    startLine: f.range.start.line + 1,
    startColumn: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
  };
  const fixes = f.fixes
    .filter((x) => !x.disabledReason)
    .map((x) => {
      const r = x.range ?? f.range;
      return {
        description: { text: x.title },
        artifactChanges: [
          {
            artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
            replacements: [
              {
                deletedRegion: {
                  startLine: r.start.line + 1,
                  startColumn: r.start.character + 1,
                  endLine: r.end.line + 1,
                  endColumn: r.end.character + 1,
                },
                insertedContent: { text: x.replacement },
              },
            ],
          },
        ],
      };
    });
  return {
    ruleId: f.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region } }],
    partialFingerprints: { imageReference: `${f.rule}:${f.reference}` },
    ...(fixes.length ? { fixes } : {}),
    // SARIF 2.1.0 §3.8 property bags: the advisory ids, so code scanning can list and match them.
    ...(f.vulnerabilityIds?.length ? { properties: { vulnerabilityIds: f.vulnerabilityIds } } : {}),
  };
}
