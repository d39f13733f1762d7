// The hover on an image reference, as Markdown. The first line answers "can I trust this?".
import type { AnalyzedReference } from '../core/analyze';
import type { ImageFacts, PublisherTier, SignatureStatus } from '../core/facts';
import { signatureRequirementsFor, trustedSignature } from '../core/signaturePolicy';
import { hubNamespace } from '../core/reference';
import { humanizeCount, hubPageUrl } from '../hub/display';
import type { Policy } from '../core/settings';
import { isNamespaceTrusted, isRegistryTrusted } from '../core/trust';
import type { Finding, ImageReference } from '../core/types';

const TIER_LABEL: Record<PublisherTier, string> = {
  official: 'Docker Official Image',
  verified: 'Verified Publisher',
  'sponsored-oss': 'Docker-Sponsored Open Source',
  community: 'Community publisher',
  'other-registry': 'Private or third-party registry',
  unverified: 'Publisher could not be verified',
};

export interface HoverInput {
  analyzed: AnalyzedReference;
  facts: ImageFacts;
  policy: Policy;
  findings: Finding[];
  online: boolean;
  now?: Date;
}

export function renderHover({ analyzed, facts, policy, findings, online, now = new Date() }: HoverInput): string {
  const { occurrence, reference } = analyzed;
  const lines: string[] = [];
  if (!reference) {
    lines.push(`**${escapeMd(occurrence.text)}**`);
    if (analyzed.parseError) lines.push('', `Not a valid image reference: ${escapeMd(analyzed.parseError)}.`);
    else if (occurrence.unresolvedVariables?.length)
      lines.push(
        '',
        `Cannot be checked: ${occurrence.unresolvedVariables.map((v) => `\`\${${v}}\``).join(', ')} has no value here.`,
      );
    return lines.join('\n');
  }

  const tier = publisherTier(reference.registry, reference.repository, facts);
  const trusted =
    isRegistryTrusted(reference, policy) &&
    ((tier !== 'community' && tier !== 'unverified') || isNamespaceTrusted(reference, policy));
  const shown = `${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''}`;
  lines.push(`${TIER_LABEL[tier]} · ${trusted ? 'trusted by your policy' : 'not trusted by your policy'}`);
  lines.push(
    '',
    `**${escapeMd(shown)}**${occurrence.resolved !== occurrence.text ? ` (from \`${occurrence.text}\`)` : ''}`,
  );

  const publisher = facts.publisher?.state === 'known' ? facts.publisher.value : undefined;
  if (publisher?.description) lines.push('', escapeMd(publisher.description));
  const stats: string[] = [];
  if (publisher?.starCount !== undefined) stats.push(`${humanizeCount(publisher.starCount)} stars`);
  if (publisher?.pullCount !== undefined) stats.push(`${humanizeCount(publisher.pullCount)} pulls`);
  const details = facts.tagDetails?.state === 'known' ? facts.tagDetails.value : undefined;
  if (details?.lastPushed) stats.push(`last pushed ${formatAge(details.lastPushed, now)}`);
  if (stats.length) lines.push('', stats.join(' · '));
  const namespace = hubNamespace(reference);
  const pageUrl =
    publisher?.pageUrl ??
    (namespace ? hubPageUrl(namespace, reference.repository.slice(namespace.length + 1)) : undefined);
  if (pageUrl) lines.push('', `[Open on Docker Hub](${pageUrl})`);

  const table: Array<[string, string]> = [];
  const digest = reference.digest ?? (facts.currentDigest?.state === 'known' ? facts.currentDigest.value : undefined);
  if (digest) table.push(['Digest', `\`${digest.slice(0, 19)}…\``]);
  if (reference.digest && facts.currentDigest?.state === 'known' && facts.currentDigest.value !== reference.digest) {
    table.push(['Tag now points to', `\`${facts.currentDigest.value.slice(0, 19)}…\``]);
  }
  if (facts.currentDigest?.state === 'notFound') table.push(['Registry', `no such ${facts.currentDigest.missing}`]);
  if (facts.currentDigest?.state === 'unavailable')
    table.push(['Registry', `not reachable: ${escapeMd(facts.currentDigest.reason)}`]);
  if (details?.platforms.length) table.push(['Platforms', details.platforms.join(', ')]);
  if (details?.compressedSize) table.push(['Compressed size', humanizeBytes(details.compressedSize)]);
  const newer = facts.newer;
  if (newer && (newer.patch || newer.minor || newer.major)) {
    table.push([
      'Newer versions',
      [
        newer.patch && `${newer.patch} (patch)`,
        newer.minor && `${newer.minor} (minor)`,
        newer.major && `${newer.major} (major)`,
      ]
        .filter(Boolean)
        .join(', '),
    ]);
  }
  if (facts.latestResolvesTo) table.push(['Today this is', facts.latestResolvesTo]);
  if (facts.eol) {
    const e = facts.eol;
    table.push([
      'End of life',
      `${e.productTitle} ${e.cycle}: ${e.eolDate ?? 'no date announced'}${e.isEol ? ' (past)' : ''}`,
    ]);
  }
  const signature = facts.signature;
  if (signature?.state === 'known') {
    table.push(...signatureRows(signature.value, reference, policy));
  } else if (signature?.state === 'unavailable') {
    table.push(['Signature', `not checked: ${escapeMd(signature.reason)}`]);
  }
  if (table.length) {
    lines.push('', '| | |', '|---|---|');
    for (const [k, v] of table) lines.push(`| ${k} | ${v.replace(/\|/g, '\\|')} |`);
  }

  if (digest) lines.push('', `Full digest: \`${digest}\``);
  if (findings.length) {
    lines.push('', '**Why it is flagged**');
    for (const f of findings) lines.push(`- \`${f.rule}\` (${f.severity}): ${escapeMd(f.message)}`);
  }
  const asOf = publisher?.fromCache && publisher.fetchedAt ? new Date(publisher.fetchedAt) : undefined;
  if (!online) lines.push('', '_Offline: registry and Docker Hub data not fetched._');
  else if (asOf)
    lines.push('', `_Docker Hub data as of ${asOf.toISOString().slice(0, 16).replace('T', ' ')} UTC (cached)._`);
  return lines.join('\n');
}

/** The end of the failure sentence for a key-signed image when no key is configured (signatures/verify.ts). */
const NO_KEYS = 'no key is configured to verify it';

/** The signature rows: who signed (from the Fulcio certificate), where it was logged, against which root, or why not. */
function signatureRows(s: SignatureStatus, reference: ImageReference, policy: Policy): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const verified = s.verified ?? [];
  const keyless = verified.filter((v) => v.method === 'keyless' && v.identity);
  const label =
    s.state === 'verified'
      ? 'verified'
      : s.state === 'invalid'
        ? 'invalid'
        : s.state === 'unsigned'
          ? 'unsigned'
          : keyless.length
            ? 'signed and verified (keyless)'
            : s.failures?.some((f) => !f.endsWith(NO_KEYS))
              ? 'signed, but no signature verifies'
              : 'signed (no key configured to verify)';
  const detail = s.detail && !(keyless.length && s.state === 'signed') ? ` · ${escapeMd(s.detail)}` : '';
  rows.push(['Signature', `${label}${s.kinds.length ? ` · ${s.kinds.join(', ')}` : ''}${detail}`]);
  const entries = signatureRequirementsFor(reference, policy);
  for (const v of keyless.slice(0, 3)) {
    const id = v.identity!;
    const trust = entries.length
      ? entries.every((e) => trustedSignature(e, [v]))
        ? ' · an identity your policy trusts'
        : ' · not an identity your policy trusts'
      : '';
    rows.push(['Signed by', `${escapeMd(id.subject)}${id.issuer ? ` (issuer ${escapeMd(id.issuer)})` : ''}${trust}`]);
    const source = [
      id.sourceRepository && `repository ${escapeMd(id.sourceRepository)}`,
      id.sourceCommit && `commit \`${id.sourceCommit.slice(0, 12)}\``,
      id.sourceRef && `ref ${escapeMd(id.sourceRef)}`,
      id.trigger && `trigger ${escapeMd(id.trigger)}`,
    ].filter(Boolean);
    if (source.length) rows.push(['Built from', source.join(', ')]);
    if (v.loggedAt) rows.push(['Logged in Rekor', `${v.loggedAt.slice(0, 19).replace('T', ' ')} UTC`]);
    if (v.trustedRoot) rows.push(['Verified against', escapeMd(v.trustedRoot)]);
  }
  for (const v of verified.filter((x) => x.method === 'key').slice(0, 1)) {
    rows.push(['Signed with', `a public key${v.loggedAt ? `, logged ${v.loggedAt}` : ''}`]);
  }
  const failures = (s.failures ?? []).filter((f) => !f.endsWith(NO_KEYS));
  if (verified.length === 0 && failures.length) {
    rows.push(['Why not verified', escapeMd(failures.slice(0, 3).join('; '))]);
  }
  for (const a of (s.attestations ?? []).slice(0, 4)) {
    const by = a.verified?.identity
      ? `, signed by ${escapeMd(a.verified.identity.subject)}${a.verified.identity.issuer ? ` (issuer ${escapeMd(a.verified.identity.issuer)})` : ''}`
      : '';
    rows.push([
      'Attestation',
      `${escapeMd(a.predicateType)}: ${a.verified ? `verified${by}` : `does not verify (${escapeMd(a.failure ?? 'unknown')})`}`,
    ]);
  }
  return rows;
}

export function publisherTier(registry: string, repository: string, facts: ImageFacts): PublisherTier {
  if (facts.publisher?.state === 'known') return facts.publisher.value.tier;
  if (registry !== 'docker.io') return 'other-registry';
  return hubNamespace({ registry, repository }) === 'library' ? 'official' : 'unverified';
}

export function humanizeBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function formatAge(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const days = Math.floor((now.getTime() - t) / 86_400_000);
  const when =
    days <= 0
      ? 'today'
      : days === 1
        ? 'yesterday'
        : days < 60
          ? `${days} days ago`
          : days < 730
            ? `${Math.round(days / 30)} months ago`
            : `${Math.round(days / 365)} years ago`;
  return `${when} (${iso.slice(0, 10)})`;
}

function escapeMd(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
