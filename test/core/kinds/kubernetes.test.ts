import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractKubernetesImages, looksLikeKubernetes } from '../../../server/src/core/kinds/kubernetes';
import { assertRangesExact, fixture, images, lineOf } from './support';

test('StatefulSet template containers (kubernetes/examples cassandra)', () => {
  const text = fixture('k8s/cassandra-statefulset.yaml');
  const result = extractKubernetesImages(text);
  assert.deepEqual(images(result), ['gcr.io/google-samples/cassandra:v14']);
  assert.equal(lineOf(result.occurrences[0]), 20);
  assert.equal(result.occurrences[0].source, 'kubernetes-image');
  assert.deepEqual(result.problems, []);
  assertRangesExact(text, result);
});

test('Pod initContainers and containers (kubernetes/examples javaweb-2)', () => {
  const text = fixture('k8s/javaweb-2.yaml');
  const result = extractKubernetesImages(text);
  assert.deepEqual(images(result), ['resouer/sample:v2', 'resouer/mytomcat:7.0']);
  assertRangesExact(text, result);
});

test('every pod-spec path of the osv-scalibr corpus: Pod, Deployment template, CronJob jobTemplate', () => {
  const text = fixture('k8s/scalibr-comprehensive-test.yaml');
  const result = extractKubernetesImages(text);
  assert.deepEqual(images(result), [
    'tag1@sha256:b692a91e4e531d2a9cd8e8c3b1e6d5c7f9d2e5a3b1c8d7f4e6a9b2c5d8f1e4a7',
    'tag2:2.0.0',
    'tag3:3.0.0',
    'tag4.io/prometheus/node-exporter:v4.0.0',
    'tag5:5.0.0',
    'tag6:6.0.0',
    'tag7:5000/my-app:dev',
    'centos',
  ]);
  assertRangesExact(text, result);
});

test('CronJob jobTemplate (kubernetes/website)', () => {
  const result = extractKubernetesImages(fixture('k8s/cronjob.yaml'));
  assert.deepEqual(images(result), ['busybox']);
});

test('flow-style manifest with an image volume (kubernetes/website image-volumes)', () => {
  const text = fixture('k8s/image-volumes.yaml');
  const result = extractKubernetesImages(text);
  assert.deepEqual(images(result), ['debian', 'quay.io/crio/artifact:v2']);
  assert.deepEqual(
    result.occurrences.map((o) => o.source),
    ['kubernetes-image', 'kubernetes-image-volume'],
  );
  assertRangesExact(text, result);
  assert.ok(looksLikeKubernetes(text));
});

test('a ConfigMap in the same file is data, not images (kubernetes/examples prometheus-adapter)', () => {
  const text = fixture('k8s/prometheus-adapter.yaml');
  const result = extractKubernetesImages(text);
  assert.deepEqual(images(result), ['registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.11.2']);
  const configMap =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  image: nginx:latest\n  spec: |\n    containers:\n    - image: redis\n';
  assert.deepEqual(images(extractKubernetesImages(configMap)), []);
});

test('List items, ephemeral containers and ReplicationController templates', () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: ReplicationController',
    '  spec:',
    '    template:',
    '      spec:',
    '        containers:',
    '        - name: a',
    '          image: "nginx:1.27"',
    '        ephemeralContainers:',
    "        - image: 'busybox:1.36'",
    '',
  ].join('\n');
  const result = extractKubernetesImages(text);
  assert.deepEqual(images(result), ['nginx:1.27', 'busybox:1.36']);
  assertRangesExact(text, result);
});

test('placeholders filled in by tools are unknown, said once, never guessed', () => {
  const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: ${REGISTRY}/app:{{ .Values.tag }}\n';
  const result = extractKubernetesImages(text);
  assert.equal(result.occurrences[0].resolved, undefined);
  assert.deepEqual(result.occurrences[0].unresolvedVariables, ['REGISTRY', '.Values.tag']);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0].code, 'unresolved-variable');
});

test('the suppression comment above the image key silences rules for it', () => {
  const text =
    'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    # image-trust-ignore=latest-tag,missing-tag\n    image: nginx\n  - name: b\n    image: redis\n';
  const result = extractKubernetesImages(text);
  assert.deepEqual([...result.occurrences[0].suppressed].sort(), ['latest-tag', 'missing-tag']);
  assert.equal(result.occurrences[1].suppressed.size, 0);
});

test('bad YAML is a problem with a range, never a throw; objects without apiVersion and kind are not manifests', () => {
  const result = extractKubernetesImages('apiVersion: v1\nkind: Pod\nspec: [\n');
  assert.ok(result.problems.some((p) => p.code === 'invalid-document'));
  assert.deepEqual(images(extractKubernetesImages('kind: Pod\nspec:\n  containers:\n  - image: nginx\n')), []);
  assert.equal(looksLikeKubernetes('title: x\nimage: logo.png\n'), false);
  assert.equal(looksLikeKubernetes('nested:\n  apiVersion: v1\n  kind: Pod\n'), false);
});
