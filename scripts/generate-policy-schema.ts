// Writes the JSON Schema of `.image-trust.yaml` from the policy loader's key definitions; run by
// `npm run build`, so a key added to server/src/core/policy.ts reaches the editor's schema.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { POLICY_SCHEMA_PATH, policySchema } from '../server/src/core/policySchema';

const target = join(__dirname, '..', POLICY_SCHEMA_PATH);
const text = `${JSON.stringify(policySchema(), null, 2)}\n`;
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  // not written yet
}
if (current !== text) {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
