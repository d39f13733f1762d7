// Writes docs/rules.md from the rule registry, so SARIF help links and the docs never drift.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../server/src/core/rules';

const lines = [
  '# image-trust rules',
  '',
  'Generated from `server/src/core/rules/` by `npx tsx scripts/generate-rules-doc.ts`.',
  '',
  'Which images the rules look at (Dockerfile ARG scoping, stages, ONBUILD; compose `build:` with',
  '`image:`, anchors, `extends`, `.env`) is decided as BuildKit and Compose decide: see',
  '[compose.md](compose.md).',
  '',
];
for (const rule of RULES) {
  lines.push(
    `## ${rule.id}`,
    '',
    `Default severity: **${rule.defaultSeverity}**${rule.needsNetwork ? ' · needs the registry or Docker Hub' : ' · works offline'}`,
    '',
    rule.description,
    '',
    rule.help,
    '',
  );
}
writeFileSync(join(__dirname, '..', 'docs', 'rules.md'), lines.join('\n'));
