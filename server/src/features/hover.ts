// The hover on an image reference, as Markdown. The first line answers "can I trust this?"; then
// the reference, the publisher, the facts on a few compact lines, and links that act. Diagnostics
// are not repeated: editors show them with the hover already. Each part is its own function, so a
// new kind of fact (vulnerabilities, signatures) is a new section in HOVER_SECTIONS.
import type { AnalyzedReference } from '../core/analyze';
import type {
  AttestationStatus,
  BaseImageStatus,
  EolInfo,
  ImageFacts,
  PublisherTier,
  SignatureStatus,
} from '../core/facts';
import { SLSA_V02, SLSA_V1, type ProvenanceInfo } from '../core/provenance/provenance';
import { signatureRequirementsFor, trustedSignature } from '../core/signaturePolicy';
import { hubNamespace } from '../core/reference';
import { humanizeCount, hubPageUrl } from '../hub/display';
import type { Policy } from '../core/settings';
import { isNamespaceTrusted, isRegistryTrusted } from '../core/trust';
import type { Finding, ImageReference, Position } from '../core/types';
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

/** Codicons (https://code.visualstudio.com/api/references/icons-in-labels), for clients that draw them. */
const TIER_ICON: Record<PublisherTier, string> = {
  official: 'verified-filled',
  verified: 'verified',
  'sponsored-oss': 'heart',
  community: 'person',
  'other-registry': 'server',
  unverified: 'question',
};

/** What the editor can draw; the LSP has no capability for these, so the client says in initializationOptions. */
export interface HoverClientFeatures {
  /** `$(icon)` codicons (VS Code's MarkdownString.supportThemeIcons). */
  themeIcons?: boolean;
  /** `command:` links the client runs (Pin, Trust, Update). */
  commandLinks?: boolean;
}

/** The client commands the hover links to; the VS Code client registers them. */
export const HOVER_COMMANDS = {
  /** Applies the server's code action at the position whose title starts with the given words. */
  applyFix: 'imageTrust.applyFix',
  /** Opens the "Update to…" picker for the reference at the position. */
  updateReference: 'imageTrust.updateReference',
} as const;

export interface HoverInput {
  analyzed: AnalyzedReference;
  facts: ImageFacts;
  policy: Policy;
  findings: Finding[];
  online: boolean;
  now?: Date;
  /** The document and the hovered position, for command links. */
  uri?: string;
  position?: Position;
  client?: HoverClientFeatures;
}

/** What every section reads. */
export interface HoverContext extends HoverInput {
  reference: ImageReference;
  tier: PublisherTier;
  trusted: boolean;
  now: Date;
}

/** A section: Markdown lines, or none when it has nothing to say. */
export type HoverSection = (context: HoverContext) => string[];

export function renderHover(input: HoverInput): string {
  const { analyzed } = input;
  const { occurrence, reference } = analyzed;
  if (!reference) {
    const lines = [`**${escapeMd(occurrence.text)}**`];
    if (analyzed.parseError) lines.push('', `Not a valid image reference: ${escapeMd(analyzed.parseError)}.`);
    else if (occurrence.unresolvedVariables?.length)
      lines.push(
        '',
        `Cannot be checked: ${occurrence.unresolvedVariables.map((v) => `\`\${${v}}\``).join(', ')} has no value here.`,
      );
    return lines.join('\n');
  }
  const tier = publisherTier(reference.registry, reference.repository, input.facts);
  const context: HoverContext = {
    ...input,
    reference,
    tier,
    trusted: isTrusted(reference, tier, input.policy),
    now: input.now ?? new Date(),
  };
  return HOVER_SECTIONS.map((section) => section(context))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('  \n'))
    .join('\n\n');
}

function isTrusted(reference: ImageReference, tier: PublisherTier, policy: Policy): boolean {
  return (
    isRegistryTrusted(reference, policy) &&
    ((tier !== 'community' && tier !== 'unverified') || isNamespaceTrusted(reference, policy))
  );
}

/** The answer first: who publishes it and whether the policy trusts it. */
export const tierSection: HoverSection = ({ tier, trusted, client }) => {
  const icon = client?.themeIcons ? `$(${trusted ? TIER_ICON[tier] : 'warning'}) ` : '';
  return [`${icon}${TIER_LABEL[tier]} · ${trusted ? 'trusted by your policy' : 'not trusted by your policy'}`];
};

/** The reference as resolved, and where it came from when a variable or ARG made it. */
export const referenceSection: HoverSection = ({ analyzed, reference }) => {
  const { occurrence } = analyzed;
  const shown = `${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''}`;
  return [
    `\`${shown}\`${occurrence.resolved !== occurrence.text ? ` from \`${occurrence.text.replace(/`/g, "'")}\`` : ''}`,
  ];
};

/** Docker Hub's description and numbers, on two lines at most. */
export const publisherSection: HoverSection = ({ facts, now }) => {
  const publisher = facts.publisher?.state === 'known' ? facts.publisher.value : undefined;
  const details = facts.tagDetails?.state === 'known' ? facts.tagDetails.value : undefined;
  const stats: string[] = [];
  if (publisher?.starCount !== undefined) stats.push(`${humanizeCount(publisher.starCount)} stars`);
  if (publisher?.pullCount !== undefined) stats.push(`${humanizeCount(publisher.pullCount)} pulls`);
  if (details?.lastPushed) stats.push(`pushed ${formatAge(details.lastPushed, now)}`);
  const lines: string[] = [];
  if (publisher?.description) lines.push(escapeMd(publisher.description));
  if (stats.length) lines.push(stats.join(' · '));
  return lines;
};

/** The digest (once, in full), what the tag points to now, platforms and size. */
export const digestSection: HoverSection = ({ reference, facts }) => {
  const lines: string[] = [];
  const current = facts.currentDigest?.state === 'known' ? facts.currentDigest.value : undefined;
  const digest = reference.digest ?? current;
  if (digest) lines.push(`Digest \`${digest}\`${reference.digest ? '' : ' (what the tag points to now)'}`);
  if (reference.digest && current && current !== reference.digest) lines.push(`The tag now points to \`${current}\``);
  if (facts.currentDigest?.state === 'notFound') lines.push(`Registry: no such ${facts.currentDigest.missing}`);
  if (facts.currentDigest?.state === 'unavailable')
    lines.push(`Registry not reachable: ${escapeMd(facts.currentDigest.reason)}`);
  const details = facts.tagDetails?.state === 'known' ? facts.tagDetails.value : undefined;
  const shape: string[] = [];
  if (details?.platforms.length) shape.push(details.platforms.join(', '));
  if (details?.compressedSize) shape.push(humanizeBytes(details.compressedSize));
  if (shape.length) lines.push(`Platforms ${shape.join(' · ')}`);
  return lines;
};

/** Newer versions of the same variant, what latest means today, and end of life. */
export const versionsSection: HoverSection = ({ facts, now }) => {
  const lines: string[] = [];
  const newer = facts.newer;
  if (newer && (newer.patch || newer.minor || newer.major)) {
    const list = [
      newer.patch && `${newer.patch} (patch)`,
      newer.minor && `${newer.minor} (minor)`,
      newer.major && `${newer.major} (major)`,
    ].filter(Boolean);
    lines.push(`Newer: ${list.join(', ')}`);
  }
  if (facts.latestResolvesTo) lines.push(`Today this is ${escapeMd(facts.latestResolvesTo)}`);
  if (facts.eol) {
    const e = facts.eol;
    lines.push(
      `End of life: ${escapeMd(`${e.productTitle} ${e.cycle}`)} ${
        e.eolDate ? `${e.isEol ? 'ended' : 'ends'} ${e.eolDate}` : 'has no date announced'
      } (${eolDataAge(e, now)})`,
    );
  }
  return lines;
};

/** Whether a valid signature is attached to the digest, who signed it (keyless), and the signed attestations. */
export const signatureSection: HoverSection = ({ facts, reference, policy }) => {
  const signature = facts.signature;
  if (signature?.state === 'known')
    return signatureRows(signature.value, reference, policy).map(([label, value]) => `${label}: ${value}`);
  if (signature?.state === 'unavailable') return [`Signature not checked: ${escapeMd(signature.reason)}`];
  return [];
};

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

/** Links: Pin, Trust, Update (commands the client runs) and the Docker Hub page. */
export const actionsSection: HoverSection = ({ reference, facts, tier, trusted, uri, position, client, online }) => {
  const links: string[] = [];
  if (client?.commandLinks && uri && position) {
    const at = { uri, line: position.line, character: position.character };
    if (!reference.digest && online) links.push(commandLink('Pin', HOVER_COMMANDS.applyFix, { ...at, title: 'Pin' }));
    if (!trusted) {
      const namespace = hubNamespace(reference);
      const which = (tier === 'community' || tier === 'unverified') && namespace ? `"${namespace}"` : 'registry';
      links.push(commandLink(`Trust ${which}`, HOVER_COMMANDS.applyFix, { ...at, title: 'Trust' }));
    }
    if (online && facts.newer && (facts.newer.patch || facts.newer.minor || facts.newer.major))
      links.push(commandLink('Update…', HOVER_COMMANDS.updateReference, at));
  }
  const publisher = facts.publisher?.state === 'known' ? facts.publisher.value : undefined;
  const namespace = hubNamespace(reference);
  const pageUrl =
    publisher?.pageUrl ??
    (namespace ? hubPageUrl(namespace, reference.repository.slice(namespace.length + 1)) : undefined);
  if (pageUrl) links.push(`[Open on Docker Hub](${pageUrl})`);
  return links.length ? [links.join(' · ')] : [];
};

/** Whether the facts are live, cached or not fetched at all. */
export const freshnessSection: HoverSection = ({ facts, online }) => {
  if (!online) return ['_Offline: registry and Docker Hub data not fetched._'];
  const publisher = facts.publisher?.state === 'known' ? facts.publisher.value : undefined;
  const asOf = publisher?.fromCache && publisher.fetchedAt ? new Date(publisher.fetchedAt) : undefined;
  return asOf ? [`_Docker Hub data as of ${asOf.toISOString().slice(0, 16).replace('T', ' ')} UTC (cached)._`] : [];
};

/** In order; a new kind of fact adds its section before actionsSection. */
export const HOVER_SECTIONS: HoverSection[] = [
  tierSection,
  referenceSection,
  publisherSection,
  digestSection,
  versionsSection,
  signatureSection,
  vulnerabilitySection,
  provenanceSection,
  actionsSection,
  freshnessSection,
];

const TOP_VULNERABILITIES = 5;

/** "Vulnerabilities": counts by severity, fixable vs unfixed, the worst five, where the data came from. */
export function renderVulnerabilitySection(facts: ImageFacts, platform: string): string[] {
  const answer = facts.vulnerabilities?.[platform];
  if (!answer) return [];
  if (answer.state !== 'known')
    return [
      `**Vulnerabilities** (${platform}): not checked: ${escapeMd(answer.state === 'notFound' ? `no such ${answer.missing}` : answer.reason)}`,
    ];
  const report = answer.value;
  const list = report.vulnerabilities;
  const lines = [`**Vulnerabilities** (${platform})`, ''];
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

/** The SLSA provenance attestations signed with Sigstore (cosign attest) that were checked for this digest. */
function signedProvenance(facts: ImageFacts): { verified?: AttestationStatus; failed?: AttestationStatus } {
  const attestations = facts.signature?.state === 'known' ? (facts.signature.value.attestations ?? []) : [];
  const slsa = attestations.filter((a) => a.predicateType === SLSA_V1 || a.predicateType === SLSA_V02);
  return { verified: slsa.find((a) => a.verified && a.provenance), failed: slsa.find((a) => !a.verified) };
}

function signerText(a: AttestationStatus): string {
  const id = a.verified?.identity;
  if (!id) return 'verified with a key of your policy';
  return `verified: signed by ${escapeMd(id.subject)}${id.issuer ? ` (issuer ${escapeMd(id.issuer)})` : ''}`;
}

/**
 * "Provenance": source repository and commit, builder, Dockerfile, and the bases it was built on.
 * A signed SLSA attestation that verified (who signed it is named) is shown first; otherwise the
 * image's own attestation or annotations, which anyone who can push the image can write.
 */
export function renderProvenanceSection(facts: ImageFacts, platform: string): string[] {
  const answer = facts.provenance?.[platform];
  const signed = signedProvenance(facts);
  const whyNot = signed.failed && !signed.verified ? signed.failed.failure : undefined;
  const notVerifiedRow: Array<[string, string]> = whyNot
    ? [['Signed provenance', `does not verify (${escapeMd(whyNot)})`]]
    : [];
  if (signed.verified) {
    const p = signed.verified.provenance!;
    const lookedUp = answer?.state === 'known' ? answer.value.bases : [];
    // The base digests are the signed statement's; whether their tags moved is what the lookup found.
    const bases = p.bases.map(
      (b) => lookedUp.find((l) => l.reference === b.reference && l.digest === b.digest) ?? (b as BaseImageStatus),
    );
    return provenanceLines(p, bases, signerText(signed.verified), []);
  }
  if (!answer) {
    return notVerifiedRow.length
      ? ['', `**Provenance**: the signed provenance attestation ${notVerifiedRow[0][1]}.`]
      : [];
  }
  if (answer.state !== 'known')
    return [
      '',
      `**Provenance**: not checked: ${escapeMd(answer.state === 'notFound' ? 'no such image' : answer.reason)}`,
    ];
  const p = answer.value;
  if (p.from === 'none')
    return [
      '',
      `**Provenance**: none published (no SLSA provenance attestation, no OCI source annotations)${whyNot ? `; a signed provenance attestation does not verify (${escapeMd(whyNot)})` : ''}.`,
    ];
  return provenanceLines(p, p.bases, p.from === 'annotations' ? undefined : 'unsigned attestation', notVerifiedRow);
}

function provenanceLines(
  p: ProvenanceInfo,
  bases: BaseImageStatus[],
  trust: string | undefined,
  extra: Array<[string, string]>,
): string[] {
  const label = {
    'slsa-v1': 'SLSA provenance v1',
    'slsa-v0.2': 'SLSA provenance v0.2',
    annotations: 'OCI annotations',
    none: 'none',
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
  for (const base of bases) {
    const moved = base.digest && base.currentDigests?.length && !base.currentDigests.includes(base.digest);
    rows.push([
      'Built on',
      `${escapeMd(base.reference)}${base.digest ? ` \`${base.digest.slice(0, 19)}…\`` : ''}${moved ? ` (the tag has moved since: now \`${base.currentDigests![0].slice(0, 19)}…\`)` : ''}`,
    ]);
  }
  rows.push(...extra);
  const lines = [`**Provenance** (${label}${trust ? `, ${trust}` : ''})`];
  if (rows.length) {
    lines.push('', '| | |', '|---|---|');
    for (const [k, v] of rows) lines.push(`| ${k} | ${v.replace(/\|/g, '\\|')} |`);
  }
  return lines;
}

/** The "Vulnerabilities" section for the platform the reference resolves to. */
export function vulnerabilitySection({ analyzed, policy, facts }: HoverContext): string[] {
  return renderVulnerabilitySection(facts, platformFor(analyzed.occurrence, policy));
}

/** The "Provenance" section for the platform the reference resolves to. */
export function provenanceSection({ analyzed, policy, facts }: HoverContext): string[] {
  return renderProvenanceSection(facts, platformFor(analyzed.occurrence, policy));
}

function commandLink(label: string, command: string, args: unknown): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`;
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

/** How old the end-of-life data is: a shipped snapshot ages with the extension, a refresh is at most days old. */
function eolDataAge(eol: EolInfo, now: Date): string {
  const { source, asOf } = eol.data;
  const from = source === 'snapshot' ? 'shipped endoflife.date snapshot' : 'refreshed from endoflife.date';
  const t = asOf ? Date.parse(asOf) : NaN;
  if (Number.isNaN(t)) return `data ${from}`;
  const hours = Math.max(0, Math.floor((now.getTime() - t) / 3_600_000));
  const age =
    hours < 24
      ? `${hours} hour${hours === 1 ? '' : 's'} old`
      : `${Math.floor(hours / 24)} day${hours < 48 ? '' : 's'} old`;
  return `data as of ${asOf!.slice(0, 10)}: ${from}, ${age}`;
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
