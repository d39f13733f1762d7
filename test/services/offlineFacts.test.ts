// Offline facts are remembered per reference and day (they are asked for on every keystroke), and
// the memo never outlives the day or a refreshed end-of-life answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageReference } from '../../server/src/core/reference';
import type { EolCycle } from '../../server/src/core/eol/eol';
import { ImageFactsService, type FactsSources } from '../../server/src/services/imageFacts';
import type { EolRefresher } from '../../server/src/services/eolRefresh';

function reference(text: string) {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.reference;
}

test('a reference whose cycle ends overnight is end of life the next day, memo or not', () => {
  let now = new Date('2026-04-30T23:00:00Z');
  const service = new ImageFactsService({ offline: true } as FactsSources, { now: () => now });
  const node = reference('node:20-alpine');
  // node 20's cycle ends on 2026-04-30 in the shipped snapshot: still supported that day.
  assert.equal(service.offlineFacts(node).eol?.isEol, false);
  assert.equal(service.offlineFacts(node).eol?.isEol, false);
  now = new Date('2026-05-01T00:30:00Z');
  assert.equal(service.offlineFacts(node).eol?.isEol, true);
});

test('a refreshed end-of-life answer replaces what was remembered', () => {
  const refreshed: { cycles?: EolCycle[] } = {};
  const eol = { cyclesFor: () => refreshed.cycles } as unknown as EolRefresher;
  const service = new ImageFactsService({ offline: true, eol } as FactsSources, {
    now: () => new Date('2026-11-29T12:00:00Z'),
  });
  const python = reference('python:3.13-slim');
  assert.equal(service.offlineFacts(python).eol?.isEol, false);
  refreshed.cycles = [{ cycle: '3.13', eol: '2026-01-01', releaseDate: '2024-10-07', latest: '3.13.9' }];
  assert.equal(service.offlineFacts(python).eol?.isEol, true);
});

test('callers get their own facts object (adding to it changes nothing remembered)', () => {
  const service = new ImageFactsService({ offline: true } as FactsSources, {
    now: () => new Date('2026-11-29T12:00:00Z'),
  });
  const ref = reference('postgres:13');
  const first = service.offlineFacts(ref);
  first.currentDigest = { state: 'unavailable', reason: 'test' };
  assert.equal(service.offlineFacts(ref).currentDigest, undefined);
});
