// The editor's JSON Schema of .image-trust.yaml against the loader: built from the same key
// definitions, accepting and refusing the same documents, and written to schemas/ by the build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parsePolicy, POLICY_KEYS } from '../../server/src/core/policy';
import { POLICY_SCHEMA_PATH, policyFileHeader, policySchema } from '../../server/src/core/policySchema';
import { RULE_IDS } from '../../server/src/core/types';

const root = join(__dirname, '..', '..');
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';

const DOCUMENTS: string[] = [
  '',
  'trustedRegistries: [docker.io, ghcr.io/my-org]\n',
  'trustedNamespaces: [bitnami, grafana]\n',
  'rules: { unpinned-digest: warning, unsigned-image: error, stale-image: off }\n',
  'maxImageAgeDays: 365\n',
  `signatureKeys:\n  - |\n${PEM.split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`,
  'signatures:\n  - images: ["ghcr.io/acme/**"]\n    mode: warn\n    keyless: [{ issuer: https://token.actions.githubusercontent.com, subjectRegExp: "^https://github" }]\n',
  'attestations:\n  - predicateType: https://slsa.dev/provenance/v1\n    keyless: [{ issuerRegExp: "github", subject: someone@example.com }]\n',
  // refused
  'signatures:\n  - images: ["ghcr.io/acme/**"]\n    mode: block\n    keys: ["x"]\n',
  'signatures:\n  - images: ["ghcr.io/acme/**"]\n    keyless: [{ subject: someone@example.com }]\n',
  'signatures:\n  - images: ["ghcr.io/acme/**"]\n',
  'attestations:\n  - images: ["**"]\n',
  'trustedRegistry: [x]\n',
  'trustedRegistries: docker.io\n',
  'trustedRegistries: [""]\n',
  'trustedRegistries: [12]\n',
  'trustedNamespaces: ["  "]\n',
  'rules: { latest-tags: error }\n',
  'rules: { missing-tag: loud }\n',
  'rules: [latest-tag]\n',
  'maxImageAgeDays: 0\n',
  'maxImageAgeDays: 1.5\n',
  'maxImageAgeDays: "30"\n',
  'signatureKeys: [not a key]\n',
  '- a list\n',
];

test('the schema accepts exactly the documents the loader accepts', () => {
  const validate = new Ajv({ strict: false }).compile(policySchema());
  let accepted = 0;
  for (const text of DOCUMENTS) {
    const loader = parsePolicy(text).problems.length === 0;
    const schema = validate(parse(text) ?? null);
    assert.equal(
      schema,
      loader,
      `${JSON.stringify(text)}: loader ${loader}, schema ${schema} ${JSON.stringify(validate.errors)}`,
    );
    if (loader) accepted++;
  }
  assert.ok(accepted >= 5 && accepted < DOCUMENTS.length, 'both verdicts are exercised');
});

test('every key the loader knows is in the schema with a description, and nothing else', () => {
  const schema = policySchema() as {
    properties: Record<string, { description?: string }>;
    additionalProperties: boolean;
  };
  assert.deepEqual(Object.keys(schema.properties), Object.keys(POLICY_KEYS));
  for (const [key, property] of Object.entries(schema.properties)) assert.ok(property.description, key);
  assert.equal(schema.additionalProperties, false);
  const rules = (schema.properties.rules as { properties: Record<string, unknown> }).properties;
  assert.deepEqual(Object.keys(rules), [...RULE_IDS]);
});

test('the build wrote the schema the definitions give, and the extension declares it', () => {
  const written = JSON.parse(readFileSync(join(root, POLICY_SCHEMA_PATH), 'utf8'));
  assert.deepEqual(written, JSON.parse(JSON.stringify(policySchema())));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.contributes.yamlValidation, [
    { fileMatch: '.image-trust.yaml', url: `./${POLICY_SCHEMA_PATH}` },
  ]);
});

test('a new policy file names its schema in the comment the YAML language server reads', () => {
  const header = policyFileHeader();
  assert.match(
    header.split('\n')[0],
    /^# yaml-language-server: \$schema=https:\/\/\S+image-trust-policy\.schema\.json$/,
  );
  assert.deepEqual(parsePolicy(header).problems, []);
});
