// The end-of-life lookup reads each product's cycles once (parts, version order, latest release)
// instead of on every reference. This compares it with the plain reading it replaced, kept here as
// the reference: every product of the shipped snapshot, tags made from each cycle and codename, on
// days before, inside and after the snapshot's range, with shipped and refreshed (reordered) cycles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import snapshotJson from '../../../server/src/data/eolSnapshot.json';
import { lookupEol, type EolCycle, type EolSnapshot } from '../../../server/src/core/eol/eol';
import type { EolInfo } from '../../../server/src/core/facts';
import { parseTagVersion } from '../../../server/src/core/versions/tagVersion';

const SNAPSHOT = snapshotJson as EolSnapshot;

function referenceLookup(
  productId: string,
  tag: string,
  today: Date,
  refreshedCycles?: EolCycle[],
): EolInfo | undefined {
  const shipped = SNAPSHOT.products[productId];
  const product = refreshedCycles ? { ...shipped, cycles: refreshedCycles } : shipped;
  const codename = product.codenames?.[tag.split('-')[0].toLowerCase()];
  let numbers: readonly number[] | undefined;
  if (codename) numbers = codename.split('.').map(Number);
  else {
    const version = parseTagVersion(tag);
    numbers = version && (version.prefix === '' || version.prefix === 'v') ? version.numbers : undefined;
  }
  const day = today.toISOString().slice(0, 10);
  const numeric = (cycle: string) => /^\d+(?:\.\d+)*$/.test(cycle);
  const compare = (a: string, b: string) => {
    const x = a.split('.').map(Number);
    const y = b.split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? -1) - (y[i] ?? -1);
      if (d !== 0) return Math.sign(d);
    }
    return 0;
  };
  let match: EolCycle | undefined;
  if (numbers) {
    let matchedParts = 0;
    const under: EolCycle[] = [];
    for (const c of product.cycles) {
      if (!numeric(c.cycle)) continue;
      const parts = c.cycle.split('.').map(Number);
      const shared = Math.min(parts.length, numbers.length);
      if (!parts.slice(0, shared).every((p, i) => p === numbers[i])) continue;
      if (parts.length <= numbers.length) {
        if (parts.length > matchedParts) {
          match = c;
          matchedParts = parts.length;
        }
      } else if (!c.releaseDate || c.releaseDate <= day) under.push(c);
    }
    match ??= under.sort((a, b) => compare(a.cycle, b.cycle)).pop();
  }
  if (!match) return undefined;
  const ended = (c: EolCycle) => c.eol === true || (typeof c.eol === 'string' && c.eol < day);
  const current = match;
  const supported = product.cycles
    .filter((c) => !ended(c) && numeric(c.cycle) && compare(c.cycle, current.cycle) >= 0)
    .sort((a, b) => compare(a.cycle, b.cycle));
  return {
    product: productId,
    productTitle: product.title,
    cycle: match.cycle,
    eolDate: typeof match.eol === 'string' ? match.eol : undefined,
    isEol: ended(match),
    oldestSupportedCycle: supported[0]?.cycle,
    latestCycle: [...product.cycles].sort((a, b) => (a.releaseDate ?? '').localeCompare(b.releaseDate ?? '')).pop()
      ?.cycle,
    data: refreshedCycles
      ? { source: 'refreshed', asOf: new Date(0).toISOString() }
      : { source: 'snapshot', asOf: SNAPSHOT.date },
  };
}

function tagsFor(cycles: EolCycle[], codenames: Record<string, string> = {}): string[] {
  const tags = new Set<string>(['latest', 'stable', '0', '99', '1.0.0', 'v1', 'alpine']);
  for (const c of cycles) {
    const major = c.cycle.split('.')[0];
    for (const t of [
      c.cycle,
      `${c.cycle}.1`,
      `${c.cycle}-alpine`,
      `v${c.cycle}`,
      major,
      `${major}-slim`,
      `${major}.99`,
    ])
      tags.add(t);
    if (c.latest) tags.add(c.latest);
  }
  for (const name of Object.keys(codenames)) {
    tags.add(name);
    tags.add(`${name}-slim`);
    tags.add(`${name}-20240111`);
  }
  return [...tags];
}

const DAYS = ['2015-06-01', '2023-01-15', SNAPSHOT.date, '2028-12-31', '2040-01-01'].map(
  (d) => new Date(`${d}T12:00:00Z`),
);

test('every product, tag and day: the prepared lookup answers what the plain reading answers', () => {
  const images = Object.entries(SNAPSHOT.images);
  let compared = 0;
  for (const [repository, productId] of images) {
    const product = SNAPSHOT.products[productId];
    if (!product) continue;
    const ref = { registry: 'docker.io', repository };
    for (const tag of tagsFor(product.cycles, product.codenames))
      for (const day of DAYS) {
        assert.deepEqual(
          lookupEol(ref, tag, day),
          referenceLookup(productId, tag, day),
          `${repository}:${tag} on ${day.toISOString()}`,
        );
        compared++;
      }
  }
  assert.ok(compared > 5000, `only ${compared} lookups compared`);
});

test('refreshed cycles (another order, one cycle gone, one more): read afresh, not from the shipped preparation', () => {
  let compared = 0;
  for (const [repository, productId] of Object.entries(SNAPSHOT.images)) {
    const product = SNAPSHOT.products[productId];
    if (!product || product.cycles.length < 2) continue;
    const refreshed: EolCycle[] = [
      { cycle: '999', eol: false, releaseDate: '2030-01-01' },
      ...product.cycles.slice(1).reverse(),
    ];
    const ref = { registry: 'docker.io', repository };
    for (const tag of tagsFor(refreshed, product.codenames)) {
      // The shipped cycles first, so a preparation keyed wrongly would answer from them.
      lookupEol(ref, tag, DAYS[2]);
      assert.deepEqual(
        lookupEol(ref, tag, DAYS[2], SNAPSHOT, refreshed, 0),
        referenceLookup(productId, tag, DAYS[2], refreshed),
        `${repository}:${tag} refreshed`,
      );
      compared++;
    }
  }
  assert.ok(compared > 500, `only ${compared} lookups compared`);
});
