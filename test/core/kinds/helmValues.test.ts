import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { extractHelmValuesImages } from '../../../server/src/core/kinds/helmValues';
import { referenceFix } from '../../../server/src/core/rules/fixes';
import { LineIndex } from '../../../server/src/core/lineIndex';
import type { ImageOccurrence } from '../../../server/src/core/types';
import { assertRangesExact, fixture, images } from './support';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function applyFix(text: string, occurrence: ImageOccurrence, tag: string | undefined, digest: string | undefined) {
  const fix = referenceFix(occurrence, 'Pin', tag, digest);
  assert.equal(fix.disabledReason, undefined);
  const lines = new LineIndex(text);
  const range = fix.range ?? occurrence.range;
  assert.equal(lines.textIn(range), fix.expectedText ?? occurrence.text);
  return text.slice(0, lines.offsetAt(range.start)) + fix.replacement + text.slice(lines.offsetAt(range.end));
}

test('prometheus-node-exporter values: split objects, an empty tag is unknown, `sha:` is not a digest key', () => {
  const text = fixture('helm/node-exporter/values.yaml');
  const result = extractHelmValuesImages(text);
  assert.deepEqual(images(result), [
    undefined,
    'quay.io/brancz/kube-rbac-proxy:v0.22.1',
    'quay.io/prometheus/busybox:latest',
  ]);
  const [main, proxy] = result.occurrences;
  assert.deepEqual(main.unresolvedVariables, ['appVersion']);
  assert.match(result.problems[0].message, /tag is empty/);
  // The range is what a fix edits: the tag value (no digest key here).
  assert.equal(new LineIndex(text).textIn(proxy.range), 'v0.22.1');
  assert.equal(proxy.split?.digest, undefined);
  assertRangesExact(text, result);
  // Nothing else in the 600-line file is an image: imagePullSecrets, global.imageRegistry, sidecars: [].
  assert.equal(result.occurrences.length, 3);
});

test('with a digest key (Bitnami convention) pin writes the digest there and keeps the tag', () => {
  const text =
    'image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.4.2-debian-12-r0 # keep\n  digest: ""\n  pullPolicy: IfNotPresent\n';
  const [o] = extractHelmValuesImages(text).occurrences;
  assert.equal(o.resolved, 'docker.io/bitnami/redis:7.4.2-debian-12-r0');
  const pinned = applyFix(text, o, '7.4.2-debian-12-r0', DIGEST);
  assert.equal(
    pinned,
    `image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.4.2-debian-12-r0 # keep\n  digest: "${DIGEST}"\n  pullPolicy: IfNotPresent\n`,
  );
  const again = extractHelmValuesImages(pinned).occurrences[0];
  assert.equal(again.resolved, `docker.io/bitnami/redis:7.4.2-debian-12-r0@${DIGEST}`);
});

test('without a digest key pin appends the digest to the tag, quoted so YAML reads a string', () => {
  const text = 'app:\n  image:\n    repository: nginx\n    tag: 1.10\n';
  const [o] = extractHelmValuesImages(text).occurrences;
  assert.equal(o.resolved, 'nginx:1.1', 'YAML reads 1.10 as the number 1.1, as Helm does');
  const pinned = applyFix(text, o, '1.27.3', DIGEST);
  assert.equal(pinned, `app:\n  image:\n    repository: nginx\n    tag: 1.27.3@${DIGEST}\n`);
  assert.equal(parse(pinned).app.image.tag, `1.27.3@${DIGEST}`);
  // A tag YAML would read as a number is quoted.
  const retagged = applyFix(text, o, '1.30', undefined);
  assert.equal(retagged, 'app:\n  image:\n    repository: nginx\n    tag: "1.30"\n');
  assert.equal(parse(retagged).app.image.tag, '1.30');
  const plain = 'image:\n  repository: nginx\n  tag: v1.27.3\n';
  assert.equal(
    applyFix(plain, extractHelmValuesImages(plain).occurrences[0], 'v1.27.3', DIGEST),
    `image:\n  repository: nginx\n  tag: v1.27.3@${DIGEST}\n`,
  );
});

test('string values under keys ending in image, `version` as the tag key; other keys are not images', () => {
  const text =
    "sidecarImage: busybox:1.36\ninitImage: 'alpine:3.20'\nexporter:\n  image:\n    repository: prom/statsd-exporter\n    version: v0.26.0\nlogo: image.png\nimagePullPolicy: Always\ncoverimage: {}\n";
  const result = extractHelmValuesImages(text);
  assert.deepEqual(images(result), ['busybox:1.36', 'alpine:3.20', 'prom/statsd-exporter:v0.26.0']);
  assertRangesExact(text, result);
});

test('digest before tag: the span keeps the bytes between them', () => {
  const text = 'image:\n  repository: nginx\n  digest: \'\'\n  # the tag\n  tag: "1.27"\n';
  const [o] = extractHelmValuesImages(text).occurrences;
  const pinned = applyFix(text, o, '1.27', DIGEST);
  assert.equal(pinned, `image:\n  repository: nginx\n  digest: '${DIGEST}'\n  # the tag\n  tag: "1.27"\n`);
});

test('suppression comment above the image key', () => {
  const text = 'web:\n  # image-trust-ignore=latest-tag\n  image:\n    repository: nginx\n    tag: latest\n';
  assert.deepEqual([...extractHelmValuesImages(text).occurrences[0].suppressed], ['latest-tag']);
});
