// The "Update to…" picker's rows, from imageTrust/updateOptions: newer tags of the same variant
// grouped patch / minor / major, each with its push date and end of life. Plain data in and out,
// so it is tested without VS Code; updatePicker.ts shows the rows.
import type { UpdateCandidate, UpdateOptionsResult } from '../../protocol/messages';
import { english, type Translate } from './translate';

export interface UpdateRow {
  /** A separator row names a level; it has no candidate. */
  kind: 'separator' | 'item';
  label: string;
  description?: string;
  detail?: string;
  candidate?: UpdateCandidate;
}

const LEVEL_TITLES: Record<UpdateCandidate['level'], string> = {
  patch: 'Patch',
  minor: 'Minor',
  major: 'Major',
};

export function updateRows(result: UpdateOptionsResult, t: Translate = english, now = new Date()): UpdateRow[] {
  const rows: UpdateRow[] = [];
  let level: UpdateCandidate['level'] | undefined;
  for (const candidate of result.candidates) {
    if (candidate.level !== level) {
      level = candidate.level;
      rows.push({ kind: 'separator', label: t(LEVEL_TITLES[level]) });
    }
    const description: string[] = [];
    if (candidate.pushedAt) description.push(t('pushed {0}', candidate.pushedAt.slice(0, 10)));
    if (candidate.digest) description.push(t('pinned'));
    const vulnerabilities = candidate.vulnerabilities;
    if (vulnerabilities) {
      const counted = (['critical', 'high', 'medium', 'low', 'unknown'] as const).filter((s) => vulnerabilities[s] > 0);
      description.push(
        counted.length
          ? t('$(shield) {0}', counted.map((s) => `${vulnerabilities[s]} ${t(s)}`).join(', '))
          : t('$(shield) no known vulnerabilities'),
      );
    }
    const detail: string[] = [];
    const eol = candidate.endOfLife;
    if (eol?.isEol)
      detail.push(t('$(warning) {0} is past its end of life{1}', eol.cycle, eol.date ? ` (${eol.date})` : ''));
    else if (eol?.date)
      detail.push(
        new Date(eol.date) < now
          ? t('$(warning) {0} is past its end of life ({1})', eol.cycle, eol.date)
          : t('{0} supported until {1}', eol.cycle, eol.date),
      );
    if (candidate.disabledReason) detail.push(t('$(circle-slash) Cannot update: {0}', candidate.disabledReason));
    rows.push({
      kind: 'item',
      label: candidate.tag,
      description: description.join(' · ') || undefined,
      detail: detail.join(' · ') || undefined,
      candidate,
    });
  }
  return rows;
}
