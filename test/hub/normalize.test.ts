import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hubTagPlatforms, parseHubRepository, parseHubTag, tierFromSearch } from '../../server/src/hub/normalize';

test('a tag payload becomes a typed tag; attestation entries are not platforms', () => {
  const tag = parseHubTag(
    {
      name: '1.27',
      digest: 'sha256:' + 'a'.repeat(64),
      tag_last_pushed: '2026-07-01T10:00:00Z',
      tag_status: 'active',
      full_size: 123,
      v2: true,
      images: [
        { os: 'linux', architecture: 'amd64', variant: null },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
        { os: 'unknown', architecture: 'unknown' },
        { os: 'linux', architecture: 'amd64', variant: null },
      ],
    },
    '1.27',
  );
  assert.ok(tag);
  assert.equal(tag.lastPushed, '2026-07-01T10:00:00Z');
  assert.equal(tag.status, 'active');
  assert.equal(tag.v2, true);
  assert.equal(tag.images.length, 3);
  assert.deepEqual(hubTagPlatforms(tag), ['linux/amd64', 'linux/arm/v7']);
});

test('mistyped and missing fields are absent, not errors', () => {
  const tag = parseHubTag({ v2: 'false', full_size: 'big', images: {} }, 'x');
  assert.deepEqual(tag, { name: 'x', images: [], v2: false });
  const repo = parseHubRepository(
    { pull_count: '1B+', star_count: '12', categories: [{ slug: 'x' }, 3, { name: 'DB' }] },
    'a',
    'b',
  );
  assert.deepEqual(repo, {
    namespace: 'a',
    name: 'b',
    categories: [{ name: 'DB' }],
    mediaTypes: [],
    contentTypes: [],
    starCount: 12,
  });
  assert.equal(parseHubRepository([], 'a', 'b'), undefined);
  assert.equal(parseHubTag('nope', 'x'), undefined);
});

test('search badges map to tiers only on an exact name match', () => {
  const body = {
    results: [
      { name: 'nginx', slug: 'nginx', badge: 'official' },
      { name: 'someuser/nginx-proxy', badge: 'verified_publisher' },
      { name: 'Bitnami/Redis', badge: 'verified_publisher' },
      { name: 'x/oss', slug: 'x/oss', badge: 'open_source' },
      { name: 'x/plain', badge: null },
      { slug: 'x/nobadge' },
      { name: 'x/future', badge: 'hardened_something' },
    ],
  };
  assert.deepEqual(tierFromSearch(body, 'someuser', 'nginx'), { found: false });
  assert.deepEqual(tierFromSearch(body, 'bitnami', 'redis'), { found: true, tier: 'verified' });
  assert.deepEqual(tierFromSearch(body, 'x', 'oss'), { found: true, tier: 'sponsored-oss' });
  assert.deepEqual(tierFromSearch(body, 'x', 'plain'), { found: true, tier: 'community' });
  assert.deepEqual(tierFromSearch(body, 'x', 'nobadge'), { found: true, tier: 'community' });
  assert.deepEqual(tierFromSearch(body, 'x', 'future'), { found: true, tier: 'community' });
  assert.equal(tierFromSearch({ detail: 'x' }, 'a', 'b'), undefined);
});
