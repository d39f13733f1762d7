// Pure parsing of what registries put in headers: rate limits, Retry-After, Link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink } from '../../server/src/registry/links';
import { parseRateLimit, parseRetryAfter } from '../../server/src/registry/rateLimit';

const now = Date.parse('2026-03-01T12:00:00Z');

test('ratelimit-* with windows, and the x-ratelimit-* spelling', () => {
  assert.deepEqual(parseRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' }, now), {
    limit: 100,
    remaining: 76,
    windowSeconds: 21600,
    observedAt: now,
  });
  assert.deepEqual(parseRateLimit({ 'x-ratelimit-limit': '100;w=3600', 'x-ratelimit-remaining': '0' }, now), {
    limit: 100,
    remaining: 0,
    windowSeconds: 3600,
    observedAt: now,
  });
  assert.equal(parseRateLimit({ 'ratelimit-limit': '100;w=21600' }, now), undefined);
  assert.equal(parseRateLimit({}, now), undefined);
  assert.equal(parseRateLimit({ 'ratelimit-limit': 'lots', 'ratelimit-remaining': 'some' }, now), undefined);
});

test('Retry-After as seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('120', now), 120);
  assert.equal(parseRetryAfter(new Date(now + 90_000).toUTCString(), now), 90);
  assert.equal(parseRetryAfter(new Date(now - 90_000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('Link rel="next": relative, absolute, among other relations, absent', () => {
  const base = 'https://r.example/v2/library/postgres/tags/list?n=1000';
  assert.equal(
    nextLink('</v2/library/postgres/tags/list?n=1000&last=foo>; rel="next"', base)?.href,
    'https://r.example/v2/library/postgres/tags/list?n=1000&last=foo',
  );
  assert.equal(nextLink('<https://other.example/x?last=a>; rel=next', base)?.host, 'other.example');
  assert.equal(
    nextLink('</first>; rel="first", </v2/x/tags/list?last=z>; rel="next"', base)?.pathname,
    '/v2/x/tags/list',
  );
  assert.equal(nextLink('</prev>; rel="prev"', base), undefined);
  assert.equal(nextLink(undefined, base), undefined);
});
