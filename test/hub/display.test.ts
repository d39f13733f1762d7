import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hubPageUrl, humanizeCount } from '../../server/src/hub/display';

test('humanizeCount reads like Docker Hub and never overstates', () => {
  assert.equal(humanizeCount(0), '0');
  assert.equal(humanizeCount(850), '850');
  assert.equal(humanizeCount(999), '999');
  assert.equal(humanizeCount(1000), '1K');
  assert.equal(humanizeCount(1250), '1.2K');
  assert.equal(humanizeCount(999_999), '999K');
  assert.equal(humanizeCount(1_234_567), '1.2M');
  assert.equal(humanizeCount(12_000_000_000), '12B');
  assert.equal(humanizeCount(1_500_000_000), '1.5B');
  assert.equal(humanizeCount(-5), '0');
  assert.equal(humanizeCount(Number.NaN), '0');
});

test('hubPageUrl: Official Images under /_/, others under /r/', () => {
  assert.equal(hubPageUrl('library', 'nginx'), 'https://hub.docker.com/_/nginx');
  assert.equal(hubPageUrl('bitnami', 'redis'), 'https://hub.docker.com/r/bitnami/redis');
});
