// The hover on an image reference, as Markdown. The first line answers "can I trust this?".
import type { AnalyzedReference } from '../core/analyze';
import type { ImageFacts, PublisherTier } from '../core/facts';
import { hubNamespace } from '../core/reference';
import { humanizeCount, hubPageUrl } from '../hub/display';
import type { Policy } from '../core/settings';
import { isNamespaceTrusted, isRegistryTrusted } from '../core/trust';
import type { Finding } from '../core/types';
import { platformFor } from '../core/platform';
import { SEVERITY_ORDER } from '../core/vuln/osvRecord';
import { countBySeverity, displayId } from '../core/vuln/vulnerabilityReport';

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
    const s = signature.value;
    const label = {
      verified: 'verified',
      invalid: 'invalid',
      signed: 'signed (no key configured to verify)',
      unsigned: 'unsigned',
    }[s.state];
    table.push([
      'Signature',
      `${label}${s.kinds.length ? ` · ${s.kinds.join(', ')}` : ''}${s.detail ? ` · ${escapeMd(s.detail)}` : ''}`,
    ]);
  } else if (signature?.state === 'unavailable') {
    table.push(['Signature', `not checked: ${escapeMd(signature.reason)}`]);
  }
  if (table.length) {
    lines.push('', '| | |', '|---|---|');
    for (const [k, v] of table) lines.push(`| ${k} | ${v.replace(/\|/g, '\\|')} |`);
  }

  if (digest) lines.push('', `Full digest: \`${digest}\``);
  const platform = platformFor(occurrence, policy);
  lines.push(...renderVulnerabilitySection(facts, platform));
  lines.push(...renderProvenanceSection(facts, platform));
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

const TOP_VULNERABILITIES = 5;

/** "Vulnerabilities": counts by severity, fixable vs unfixed, the worst five, where the data came from. */
export function renderVulnerabilitySection(facts: ImageFacts, platform: string): string[] {
  const answer = facts.vulnerabilities?.[platform];
  if (!answer) return [];
  if (answer.state !== 'known')
    return [
      '',
      `**Vulnerabilities** (${platform}): not checked: ${escapeMd(answer.state === 'notFound' ? `no such ${answer.missing}` : answer.reason)}`,
    ];
  const report = answer.value;
  const list = report.vulnerabilities;
  const lines = ['', `**Vulnerabilities** (${platform})`, ''];
  if (!list.length) lines.push('No known vulnerabilities.');
  else {
    const counts = countBySeverity(list);
    const fixable = list.filter((v) => v.fixedIn).length;
    lines.push(
      `${SEVERITY_ORDER.map((s) => `${counts[s]} ${s}`).join(' · ')} · ${fixable} with a fix, ${list.length - fixable} without`,
    );
    lines.push('', '| Id | Package | Installed | Fixed in | Severity |', '|---|---|---|---|---|');
    for (const v of list.slice(0, TOP_VULNERABILITIES)) {
      const cells = [
        `[${escapeMd(displayId(v))}](${v.url})`,
        escapeMd(v.sourceName),
        `\`${v.installedVersion}\``,
        v.fixedIn ? `\`${v.fixedIn}\`` : 'no fix yet',
        `${v.severity}${v.score !== undefined ? ` ${v.score.toFixed(1)}` : ''}`,
      ];
      lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
    }
  }
  const target = facts.vulnerabilityFix?.[platform];
  if (target?.tag) lines.push('', `\`${target.tag}\` fixes the ones your policy reports.`);
  else if (target?.none) lines.push('', `No fix by moving tag: ${escapeMd(target.none)}.`);
  const inv = report.inventory;
  const from = inv.source === 'sbom' ? 'the SBOM attestation' : "the package database read from the image's layers";
  lines.push(
    '',
    `_${inv.packageCount} packages${inv.distro ? ` (${escapeMd(inv.distro)})` : ''} from ${from}; advisories from ${escapeMd(report.database)} as of ${new Date(report.asOf).toISOString().slice(0, 16).replace('T', ' ')} UTC._`,
  );
  for (const note of inv.notes) lines.push('', `_${escapeMd(note)}._`);
  return lines;
}

/** "Provenance": source repository and commit, builder, Dockerfile, and the bases it was built on. */
export function renderProvenanceSection(facts: ImageFacts, platform: string): string[] {
  const answer = facts.provenance?.[platform];
  if (!answer) return [];
  if (answer.state !== 'known')
    return [
      '',
      `**Provenance**: not checked: ${escapeMd(answer.state === 'notFound' ? 'no such image' : answer.reason)}`,
    ];
  const p = answer.value;
  if (p.from === 'none')
    return ['', '**Provenance**: none published (no SLSA provenance attestation, no OCI source annotations).'];
  const label = {
    'slsa-v1': 'SLSA provenance v1',
    'slsa-v0.2': 'SLSA provenance v0.2',
    annotations: 'OCI annotations',
  }[p.from];
  const rows: Array<[string, string]> = [];
  if (p.sourceRepository)
    rows.push([
      'Source',
      `${escapeMd(p.sourceRepository)}${p.revision ? ` @ \`${p.revision.slice(0, 12)}\`` : ''}${p.vcsHintOnly ? ' (unverified hint)' : ''}`,
    ]);
  else if (p.revision) rows.push(['Revision', `\`${p.revision.slice(0, 12)}\``]);
  if (p.builder) rows.push(['Builder', escapeMd(p.builder)]);
  if (p.dockerfile) rows.push(['Dockerfile', escapeMd(p.dockerfile)]);
  for (const base of p.bases) {
    const moved = base.digest && base.currentDigests?.length && !base.currentDigests.includes(base.digest);
    rows.push([
      'Built on',
      `${escapeMd(base.reference)}${base.digest ? ` \`${base.digest.slice(0, 19)}…\`` : ''}${moved ? ` (the tag has moved since: now \`${base.currentDigests![0].slice(0, 19)}…\`)` : ''}`,
    ]);
  }
  const lines = ['', `**Provenance** (${label})`];
  if (rows.length) {
    lines.push('', '| | |', '|---|---|');
    for (const [k, v] of rows) lines.push(`| ${k} | ${v.replace(/\|/g, '\\|')} |`);
  }
  return lines;
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
