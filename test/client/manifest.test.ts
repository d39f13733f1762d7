// package.json's contributions against the client code, the server's rules and the contract's
// file names.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { test } from 'node:test';
import {
  COMPOSE_GLOBS,
  DOCKERFILE_GLOBS,
  KIND_GLOBS,
  PINNABLE_FILES_GLOB,
  POLICY_GLOB,
} from '../../client/src/filePatterns';
import { MACHINE_SETTING_KEYS } from '../../client/src/machineSettings';
import { detectDocumentKind } from '../../server/src/core/analyze';
import { RULES } from '../../server/src/core/rules';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const clientSource = readdirSync(join(root, 'client', 'src'))
  .map((f) => readFileSync(join(root, 'client', 'src', f), 'utf8'))
  .join('\n');
const properties = manifest.contributes.configuration.properties as Record<
  string,
  { scope?: string; default?: unknown; properties?: Record<string, { enum: string[]; markdownDescription: string }> }
>;

const NAMES = [
  'Dockerfile',
  'Containerfile',
  'api.Dockerfile',
  'build.dockerfile',
  'Dockerfile.dev',
  'Containerfile.arm64',
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
  'compose.prod.yaml',
  'docker-compose.override.yml',
  'Dockerfile-old',
  'mydockerfile',
  'compose.json',
  'values.yaml',
  'docker-compose',
  'README.md',
  'mycompose.yaml',
  '.image-trust.yaml',
  'docker-bake.hcl',
  'docker-bake.override.json',
  '.devcontainer.json',
  '.devcontainer/devcontainer.json',
  '.devcontainer/python/devcontainer.json',
  'devcontainer.json',
  '.gitlab-ci.yml',
  '.github/workflows/ci.yml',
  '.github/dependabot.yml',
  'action.yml',
  'values.yml',
  'values-prod.yaml',
  '_config.yml',
];

test('the pin command finds exactly the files whose kind the server reads from their name', () => {
  for (const name of NAMES) {
    const kind = detectDocumentKind(`repo/sub/${name}`);
    assert.equal(matchesGlob(`repo/sub/${name}`, PINNABLE_FILES_GLOB), kind !== undefined && kind !== 'policy', name);
  }
});

test('the document selector covers the same files and the policy file', () => {
  for (const name of NAMES) {
    const kind = detectDocumentKind(`repo/${name}`);
    const selected = [...DOCKERFILE_GLOBS, ...COMPOSE_GLOBS, ...KIND_GLOBS, POLICY_GLOB].some((glob) =>
      matchesGlob(`repo/${name}`, glob),
    );
    assert.equal(selected, kind !== undefined, name);
  }
});

test('every command the client registers is contributed, with the Image Trust category', () => {
  const registered = [...clientSource.matchAll(/registerCommand\('([^']+)'|SHOW_LOG_COMMAND = '([^']+)'/g)].map(
    (m) => m[1] ?? m[2],
  );
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.deepEqual([...registered].sort(), [...contributed].sort());
  assert.deepEqual(contributed.sort(), [
    'imageTrust.pinWorkspace',
    'imageTrust.refresh',
    'imageTrust.restartServer',
    'imageTrust.showLog',
  ]);
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'Image Trust');
});

test('the rules setting lists every rule with its severities and default', () => {
  const rules = properties['imageTrust.rules'].properties!;
  assert.deepEqual(
    Object.keys(rules),
    RULES.map((r) => r.id),
  );
  for (const rule of RULES) {
    assert.deepEqual(rules[rule.id].enum, ['error', 'warning', 'info', 'off']);
    assert.ok(rules[rule.id].markdownDescription.includes(`Default: \`${rule.defaultSeverity}\``), rule.id);
  }
});

test('the settings of the contract exist; the ones that route requests are machine-scoped and restricted', () => {
  for (const key of [
    'offline',
    'rules',
    'trustedNamespaces',
    'trustedRegistries',
    'maxImageAgeDays',
    'trace.server',
    ...MACHINE_SETTING_KEYS,
  ]) {
    assert.ok(properties[`imageTrust.${key}`], key);
  }
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of MACHINE_SETTING_KEYS) {
    assert.equal(properties[`imageTrust.${key}`].scope, 'machine', key);
    assert.ok(restricted.includes(`imageTrust.${key}`), key);
  }
  assert.equal(properties['imageTrust.hubUrl'].default, 'https://hub.docker.com');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(manifest.capabilities.virtualWorkspaces, false);
});

test('activation and the bundled entry point', () => {
  assert.equal(manifest.main, './dist/extension.js');
  assert.ok(manifest.activationEvents.includes('onLanguage:dockerfile'));
  assert.ok(manifest.activationEvents.includes('onLanguage:dockercompose'));
  for (const language of manifest.contributes.languages) {
    if (language.configuration)
      assert.doesNotThrow(
        () => JSON.parse(readFileSync(join(root, language.configuration), 'utf8')),
        language.configuration,
      );
  }
});
