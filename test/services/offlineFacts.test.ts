// Offline facts are remembered per reference and day (they are asked for on every keystroke), and
// the memo never outlives the day or a refreshed end-of-life answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/src/core/analyze';
import { parseImageReference } from '../../server/src/core/reference';
import { defaultPolicy } from '../../server/src/core/settings';
import { renderHover } from '../../server/src/features/hover';
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

test('a refreshed end-of-life answer replaces what was remembered; the hover says how old either is', () => {
  const refreshed: { cycles?: EolCycle[] } = {};
  const eol = {
    cyclesFor: () => refreshed.cycles,
    refreshedAt: () => Date.parse('2026-11-29T09:00:00Z'),
  } as unknown as EolRefresher;
  const now = new Date('2026-11-29T12:00:00Z');
  const service = new ImageFactsService({ offline: true, eol } as FactsSources, { now: () => now });
  const text = 'FROM python:3.13-slim\n';
  const python = reference('python:3.13-slim');
  const hover = () => {
    const analysis = analyzeDocument(text, 'dockerfile');
    return renderHover({
      analyzed: analysis.references[0],
      facts: service.offlineFacts(python),
      policy: defaultPolicy(),
      findings: [],
      online: false,
      now,
    });
  };
  assert.equal(service.offlineFacts(python).eol?.isEol, false);
  assert.deepEqual(service.offlineFacts(python).eol?.data, { source: 'snapshot', asOf: '2026-08-22' });
  assert.match(
    hover(),
    /End of life: Python 3\.13 ends [\d-]+ \(data as of 2026-08-22: shipped endoflife\.date snapshot, 99 days old\)/,
  );
  refreshed.cycles = [{ cycle: '3.13', eol: '2026-01-01', releaseDate: '2024-10-07', latest: '3.13.9' }];
  assert.equal(service.offlineFacts(python).eol?.isEol, true);
  assert.deepEqual(service.offlineFacts(python).eol?.data, { source: 'refreshed', asOf: '2026-11-29T09:00:00.000Z' });
  assert.match(
    hover(),
    /End of life: Python 3\.13 ended 2026-01-01 \(data as of 2026-11-29: refreshed from endoflife\.date, 3 hours old\)/,
  );
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
