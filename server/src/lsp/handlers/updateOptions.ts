// imageTrust/updateOptions: the newer tags of the same variant as the reference at a position,
// grouped patch / minor / major, each with its push date, end of life and the edit that moves to
// it; the client shows them in a picker ("Update to…").
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { rangeContains } from '../../core/ranges';
import { referenceFix } from '../../core/rules/fixes';
import { platformFor } from '../../core/platform';
import { referenceAtTag } from '../../core/reference';
import { countBySeverity, reportableVulnerabilities } from '../../core/vuln/vulnerabilityReport';
import { factsWantedFor } from '../../services/imageFacts';
import { listNewerVersions } from '../../core/versions/findNewerVersions';
import type { UpdateCandidate, UpdateOptionsParams, UpdateOptionsResult } from '../../../../protocol/messages';
import { UpdateOptionsRequest } from '../protocol';
import type { SettingsState } from '../settingsState';
import type { DocumentChecker } from './documents';
import type { FactsLookup } from './factsLookup';

/** Candidates looked up per level: each costs a tag-details request (and a digest when pinned). */
export const UPDATE_CANDIDATES_PER_LEVEL = 4;

export class UpdateOptionsHandler {
  constructor(
    private readonly connection: Pick<Connection, 'onRequest'>,
    private readonly settings: SettingsState,
    private readonly checker: DocumentChecker,
    private readonly lookup: FactsLookup,
  ) {}

  register(guard: <T>(work: () => Promise<T>, fallback: T) => Promise<T>): void {
    this.connection.onRequest(UpdateOptionsRequest, (params, token) =>
      guard(() => this.updateOptions(params, token), null),
    );
  }

  async updateOptions(params: UpdateOptionsParams, token?: CancellationToken): Promise<UpdateOptionsResult | null> {
    const state = this.checker.state(params.textDocument.uri);
    const analyzed = state?.analysis.references.find((r) => rangeContains(r.occurrence.range, params.position));
    if (!analyzed) return null;
    const { occurrence, reference } = analyzed;
    const result: UpdateOptionsResult = { reference: occurrence.text, currentTag: reference?.tag, candidates: [] };
    if (!reference?.tag) {
      result.note = reference ? 'The reference has no tag to compare versions with.' : 'Not a valid image reference.';
      return result;
    }
    if (!this.settings.online) {
      result.note = 'Registry lookups are off (offline mode or Restricted Mode): newer tags are not known.';
      return result;
    }
    const facts = (await this.lookup.gather([reference], { digest: true, versions: true }, token)).get(reference.raw);
    if (facts?.tags?.state !== 'known') {
      result.note =
        facts?.tags?.state === 'unavailable'
          ? `The registry could not list the tags: ${facts.tags.reason}`
          : 'The registry has no tag list for this repository.';
      return result;
    }
    const perLevel = new Map<string, number>();
    const chosen = listNewerVersions(reference.tag, facts.tags.value).filter((c) => {
      const n = perLevel.get(c.level) ?? 0;
      perLevel.set(c.level, n + 1);
      return n < UPDATE_CANDIDATES_PER_LEVEL;
    });
    const refs = new Map(chosen.map((c) => [c.tag, referenceAtTag(reference, c.tag)]));
    // Vulnerability counts per candidate when the policy checks vulnerabilities (the rule is on),
    // for the platform the reference is used with.
    const policy = state!.policy;
    const platform = platformFor(occurrence, policy);
    const withVulnerabilities = !!factsWantedFor(policy).vulnerabilities;
    const details = await this.lookup.gather(
      [...refs.values()],
      {
        tagDetails: true,
        digest: !!reference.digest,
        ...(withVulnerabilities ? { vulnerabilities: true, platforms: [platform] } : {}),
      },
      token,
    );
    for (const { tag, level } of chosen) {
      const found = details.get(refs.get(tag)!.raw) ?? {};
      const candidate: UpdateCandidate = { tag, level };
      if (found.tagDetails?.state === 'known' && found.tagDetails.value.lastPushed)
        candidate.pushedAt = found.tagDetails.value.lastPushed;
      if (found.eol) candidate.endOfLife = { date: found.eol.eolDate, isEol: found.eol.isEol, cycle: found.eol.cycle };
      const report = found.vulnerabilities?.[platform];
      if (report?.state === 'known') {
        const reported = reportableVulnerabilities(report.value, policy.vulnerabilities);
        candidate.vulnerabilities = { ...countBySeverity(reported), fixable: reported.filter((v) => v.fixedIn).length };
      }
      let digest: string | undefined;
      if (reference.digest) {
        digest = found.currentDigest?.state === 'known' ? found.currentDigest.value : facts.tagDigests?.[tag];
        if (!digest) {
          candidate.disabledReason = `the digest of ${tag} could not be resolved, and the reference must stay pinned`;
          result.candidates.push(candidate);
          continue;
        }
        candidate.digest = digest;
      }
      const fix = referenceFix(occurrence, `Update to ${tag}`, tag, digest);
      if (fix.disabledReason) candidate.disabledReason = fix.disabledReason;
      else candidate.edit = { range: fix.range ?? occurrence.range, newText: fix.replacement };
      result.candidates.push(candidate);
    }
    if (!chosen.length)
      result.note = `${reference.familiarName}:${reference.tag} is the newest release of its variant.`;
    return result;
  }
}
