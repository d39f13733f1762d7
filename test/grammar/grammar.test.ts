// The image-reference injection grammar, run line by line with JavaScript regular expressions. The
// patterns must mean the same to VS Code's Oniguruma, so Oniguruma-only syntax is refused too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LineTokenizer, type Grammar, type GrammarRule } from './textmateLine';

const root = join(__dirname, '..', '..');
const grammar = JSON.parse(
  readFileSync(join(root, 'syntaxes', 'image-reference.injection.tmLanguage.json'), 'utf8'),
) as Grammar & { injectionSelector: string };
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const REGISTRY = 'entity.name.type.registry.image-trust';
const REPOSITORY = 'entity.name.type.repository.image-trust';
const TAG = 'constant.other.tag.image-trust';
const DIGEST = 'constant.numeric.digest.image-trust';
const STAGE = 'entity.name.label.stage.image-trust';
const VARIABLE = 'variable.other.image-trust';
const FROM_KEYWORD = 'keyword.other.special-method.dockerfile';
const PART_SCOPES = [REGISTRY, REPOSITORY, TAG, DIGEST];
const HEX = 'ab12'.repeat(16);

/** Scopes every character of `fragment` (its first occurrence after `after`) has in `line`. */
function scopesOf(lines: string[], lineNumber: number, fragment: string, after = 0): Set<string> {
  const tokenizer = new LineTokenizer(grammar);
  const all = lines.map((l) => tokenizer.tokenize(l));
  const line = lines[lineNumber];
  const at = line.indexOf(fragment, after);
  assert.ok(at >= 0, `"${fragment}" not in "${line}"`);
  const per = all[lineNumber].slice(at, at + fragment.length).map((s) => new Set(s));
  return new Set([...per[0]].filter((s) => per.every((p) => p.has(s))));
}

function expectParts(lines: string | string[], expected: Record<string, string | string[]>, lineNumber = 0): void {
  const all = Array.isArray(lines) ? lines : [lines];
  for (const [fragment, scopes] of Object.entries(expected)) {
    const got = scopesOf(all, lineNumber, fragment);
    for (const scope of [scopes].flat())
      assert.ok(
        got.has(scope),
        `"${fragment}" in "${all[lineNumber]}" should have ${scope}; has ${[...got].join(', ') || 'nothing'}`,
      );
  }
}

function expectNoParts(lines: string | string[], fragment: string, lineNumber = 0, after = 0): void {
  const all = Array.isArray(lines) ? lines : [lines];
  const got = scopesOf(all, lineNumber, fragment, after);
  const parts = PART_SCOPES.filter((s) => got.has(s));
  assert.deepEqual(parts, [], `"${fragment}" in "${all[lineNumber]}" should not be an image part`);
}

describe('FROM', () => {
  test('splits registry, repository, tag and digest and keeps FROM a keyword', () => {
    expectParts(`FROM ghcr.io/acme/api:1.4@sha256:${HEX}`, {
      FROM: FROM_KEYWORD,
      'ghcr.io': REGISTRY,
      'acme/api': REPOSITORY,
      '1.4': TAG,
      [`sha256:${HEX}`]: DIGEST,
    });
  });

  test('Docker Hub short names have no registry part', () => {
    expectParts('FROM nginx:1.27.3-alpine', { nginx: REPOSITORY, '1.27.3-alpine': TAG });
    expectParts('FROM bitnami/redis', { 'bitnami/redis': REPOSITORY });
    assert.ok(!scopesOf(['FROM bitnami/redis'], 0, 'bitnami').has(REGISTRY));
  });

  test('a registry is a first component with a dot, a port, an uppercase letter or localhost', () => {
    expectParts('FROM localhost:5000/team/app:dev', { 'localhost:5000': REGISTRY, 'team/app': REPOSITORY, dev: TAG });
    expectParts('FROM localhost/app', { localhost: REGISTRY, app: REPOSITORY });
    expectParts('FROM registry.example.com:8443/app', { 'registry.example.com:8443': REGISTRY });
    expectParts('FROM MyRegistry/app', { MyRegistry: REGISTRY });
    expectParts('FROM [::1]:5000/app', { '[::1]:5000': REGISTRY });
  });

  test('lowercase instruction, flags and the stage name', () => {
    const line = 'from --platform=$BUILDPLATFORM python:3.12-slim AS build';
    expectParts(line, {
      from: FROM_KEYWORD,
      python: REPOSITORY,
      '3.12-slim': TAG,
      AS: FROM_KEYWORD,
      build: STAGE,
      $BUILDPLATFORM: VARIABLE,
    });
    expectNoParts(line, 'platform');
    expectNoParts(line, 'build', 0, line.indexOf(' AS '));
  });

  test('a FROM continued over lines', () => {
    const lines = [
      'FROM --platform=linux/amd64 \\',
      '    golang:1.22-bookworm \\',
      '    AS builder',
      'RUN go build ./...',
    ];
    expectParts(lines, { golang: REPOSITORY, '1.22-bookworm': TAG }, 1);
    expectParts(lines, { builder: STAGE }, 2);
    expectNoParts(lines, 'linux/amd64', 0);
    expectNoParts(lines, 'go', 3);
  });

  test('variables are marked, parts of an interpolated reference are not guessed', () => {
    expectParts('FROM ${BASE_IMAGE}', { '${BASE_IMAGE}': VARIABLE });
    expectParts('FROM python:${PYTHON_VERSION}-slim', { '${PYTHON_VERSION}': VARIABLE });
    expectNoParts('FROM python:${PYTHON_VERSION}-slim', 'python');
    expectNoParts('FROM python:${PYTHON_VERSION}-slim', 'slim');
  });

  test('other instructions are left alone', () => {
    expectNoParts('RUN apt-get install -y nginx', 'nginx');
    expectNoParts('LABEL from=nginx:1.2', 'nginx');
    expectNoParts('ENV IMAGE=nginx:1.2', 'nginx');
  });
});

describe('--from= and --mount=...,from=', () => {
  test('an image in COPY --from=', () => {
    const line = 'COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/';
    expectParts(line, { nginx: REPOSITORY, '1.27': TAG });
    expectNoParts(line, '/etc/nginx/nginx.conf');
  });

  test('a bare name in --from= is a stage', () => {
    expectParts('COPY --from=builder /out /app', { builder: STAGE });
    expectNoParts('COPY --from=builder /out /app', 'builder');
  });

  test('an image in RUN --mount=...,from=', () => {
    const line = `RUN --mount=type=bind,from=docker.io/library/golang:1.22@sha256:${HEX},source=/usr/local/go,target=/go go version`;
    expectParts(line, { 'docker.io': REGISTRY, 'library/golang': REPOSITORY, '1.22': TAG, [`sha256:${HEX}`]: DIGEST });
    expectNoParts(line, 'source=/usr/local/go');
    expectNoParts(line, 'type=bind');
  });
});

describe('compose image:', () => {
  test('plain, double- and single-quoted values', () => {
    expectParts('    image: postgres:16.4', { image: 'entity.name.tag.yaml', postgres: REPOSITORY, '16.4': TAG });
    expectParts('    image: "registry.example.com:5000/team/app:2.0"', {
      'registry.example.com:5000': REGISTRY,
      'team/app': REPOSITORY,
      '2.0': TAG,
      'team/app:2.0': 'string.quoted.double.yaml',
    });
    expectParts(`  image: 'redis@sha256:${HEX}'`, { redis: REPOSITORY, [`sha256:${HEX}`]: DIGEST });
  });

  test('a trailing comment is not part of the reference', () => {
    expectParts('    image: nginx # the web tier', { nginx: REPOSITORY });
    expectNoParts('    image: nginx # the web tier', 'the web tier');
  });

  test('interpolation and other keys', () => {
    expectParts('    image: ${REGISTRY:-docker.io}/app:${TAG}', {
      '${REGISTRY:-docker.io}': VARIABLE,
      '${TAG}': VARIABLE,
    });
    expectNoParts('    image: ${REGISTRY:-docker.io}/app:${TAG}', 'app');
    expectNoParts('    container_name: nginx', 'nginx');
    expectNoParts('    base-image: nginx', 'nginx');
  });
});

describe('the grammar file', () => {
  const sources: Array<[string, string]> = [];
  const collect = (where: string, rule: GrammarRule | undefined): void => {
    if (!rule) return;
    for (const key of ['match', 'begin', 'end'] as const) if (rule[key]) sources.push([`${where}.${key}`, rule[key]!]);
    rule.patterns?.forEach((p, i) => collect(`${where}.patterns[${i}]`, p));
    for (const group of [rule.captures, rule.beginCaptures, rule.endCaptures]) {
      for (const [k, c] of Object.entries(group ?? {}))
        c.patterns?.forEach((p, i) => collect(`${where}.captures[${k}][${i}]`, p));
    }
  };
  for (const [name, rule] of Object.entries(grammar.repository)) collect(name, rule);

  test('every regex is valid JavaScript and uses nothing Oniguruma reads differently', () => {
    assert.ok(sources.length > 10);
    for (const [where, source] of sources) {
      assert.doesNotThrow(() => new RegExp(source), where);
      // Inline flags, atomic groups and possessive quantifiers fail in JS; \\h, \\A, \\z, \\G and
      // friends are silently a plain letter there.
      assert.doesNotMatch(source, /\(\?[imx]|\(\?>|[*+?}]\+|\\[hHAzZGKRX]|\\p\{/, where);
    }
  });

  test('every include resolves', () => {
    const includes = JSON.stringify(grammar).match(/"include":"#[^"]+"/g) ?? [];
    for (const include of includes) assert.ok(grammar.repository[include.slice(12, -1)], include);
  });

  test('package.json registers it for Dockerfiles and compose files, not for every YAML file', () => {
    const entry = manifest.contributes.grammars.find((g: { path: string }) =>
      g.path.endsWith('image-reference.injection.tmLanguage.json'),
    );
    assert.ok(entry);
    assert.equal(entry.scopeName, grammar.scopeName);
    const compose = manifest.contributes.grammars.find((g: { language?: string }) => g.language === 'dockercompose');
    // The compose language gets the YAML grammar under a scope of its own, so the injection can
    // name compose files alone.
    const composeGrammar = JSON.parse(readFileSync(join(root, compose.path), 'utf8'));
    assert.deepEqual(composeGrammar.patterns, [{ include: 'source.yaml' }]);
    assert.equal(composeGrammar.scopeName, compose.scopeName);
    assert.deepEqual(entry.injectTo, ['source.dockerfile', compose.scopeName]);
    assert.deepEqual(
      grammar.injectionSelector.split(',').map((s) => s.trim()),
      [`L:source.dockerfile -comment -string`, `L:${compose.scopeName} -comment -string`],
    );
  });
});
