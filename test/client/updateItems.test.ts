import assert from 'node:assert/strict';
import { test } from 'node:test';
import { updateRows } from '../../client/src/updateItems';

test('update picker rows: one separator per level, push date, pinned, end of life and why a tag cannot be written', () => {
  const edit = { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 17 } }, newText: 'x' };
  const rows = updateRows(
    {
      reference: 'nginx:1.26.1',
      currentTag: '1.26.1',
      candidates: [
        {
          tag: '1.26.3',
          level: 'patch',
          pushedAt: '2026-10-01T00:00:00Z',
          vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, fixable: 0 },
          edit,
        },
        {
          tag: '1.26.2',
          level: 'patch',
          endOfLife: { cycle: '1.26', isEol: true, date: '2026-04-01' },
          vulnerabilities: { critical: 1, high: 2, medium: 0, low: 0, unknown: 1, fixable: 3 },
          edit,
        },
        {
          tag: '1.27.3',
          level: 'minor',
          digest: 'sha256:abc',
          endOfLife: { cycle: '1.27', isEol: false, date: '2027-04-01' },
          edit,
        },
        { tag: '2.0.0', level: 'major', disabledReason: 'the tag comes from a variable' },
      ],
    },
    undefined,
    new Date('2026-11-30T00:00:00Z'),
  );
  assert.deepEqual(
    rows.map((r) => [r.kind, r.label, r.description, r.detail]),
    [
      ['separator', 'Patch', undefined, undefined],
      ['item', '1.26.3', 'pushed 2026-10-01 · $(shield) no known vulnerabilities', undefined],
      [
        'item',
        '1.26.2',
        '$(shield) 1 critical, 2 high, 1 unknown',
        '$(warning) 1.26 is past its end of life (2026-04-01)',
      ],
      ['separator', 'Minor', undefined, undefined],
      ['item', '1.27.3', 'pinned', '1.27 supported until 2027-04-01'],
      ['separator', 'Major', undefined, undefined],
      ['item', '2.0.0', undefined, '$(circle-slash) Cannot update: the tag comes from a variable'],
    ],
  );
  assert.equal(rows[1].candidate?.tag, '1.26.3');
});
