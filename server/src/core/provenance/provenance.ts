// Who built an image and from what: BuildKit's SLSA provenance attestation (predicate types
// https://slsa.dev/provenance/v0.2 and /v1; moby/buildkit docs/attestations/slsa-definitions.md)
// or, without one, the OCI annotations on the index entry (opencontainers/image-spec
// annotations.md: org.opencontainers.image.source, .revision, .base.name, .base.digest).
import { parsePackageUrl } from '../vuln/purl';

export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';

export interface BaseImage {
  /** As Docker would write it: `alpine:3.17`, `ghcr.io/o/r:1`. */
  reference: string;
  digest?: string;
  platform?: string;
}

export interface ProvenanceInfo {
  from: 'slsa-v1' | 'slsa-v0.2' | 'annotations' | 'none';
  sourceRepository?: string;
  revision?: string;
  builder?: string;
  dockerfile?: string;
  bases: BaseImage[];
  /** The source and revision came from BuildKit's unverified VCS hints (local builds). */
  vcsHintOnly?: boolean;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** `pkg:docker/alpine@3.17?platform=linux%2Famd64` → `alpine:3.17` (BuildKit materials). */
export function baseFromMaterial(uri: string, digest?: string): BaseImage | undefined {
  const purl = parsePackageUrl(uri);
  if (!purl || purl.type !== 'docker') return undefined;
  const name = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
  // The Dockerfile frontend (`docker/dockerfile:1`) is a material of every BuildKit build, not a base.
  if (/^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?$/.test(name)) return undefined;
  const version = purl.version;
  const reference = version ? (version.startsWith('sha256:') ? `${name}@${version}` : `${name}:${version}`) : name;
  return {
    reference,
    digest: digest ? `sha256:${digest.replace(/^sha256:/, '')}` : undefined,
    platform: purl.qualifiers.platform,
  };
}

function materials(list: unknown, uriKey: 'uri'): BaseImage[] {
  if (!Array.isArray(list)) return [];
  const out: BaseImage[] = [];
  for (const m of list) {
    const o = obj(m);
    const uri = str(o?.[uriKey]);
    if (!uri) continue;
    const base = baseFromMaterial(uri, str(obj(o?.digest)?.sha256));
    if (base) out.push(base);
  }
  return out;
}

/** Reads an in-toto statement carrying SLSA provenance; undefined when it is not one. */
export function parseProvenanceStatement(json: unknown): ProvenanceInfo | undefined {
  const statement = obj(json);
  const predicate = obj(statement?.predicate);
  if (!statement || !predicate) return undefined;
  if (statement.predicateType === SLSA_V1) {
    const definition = obj(predicate.buildDefinition);
    const run = obj(predicate.runDetails);
    const config = obj(obj(definition?.externalParameters)?.configSource);
    const vcs = obj(obj(run?.metadata)?.buildkit_metadata)?.vcs;
    const info: ProvenanceInfo = {
      from: 'slsa-v1',
      builder: str(obj(run?.builder)?.id),
      dockerfile: str(config?.path),
      bases: materials(definition?.resolvedDependencies, 'uri'),
      ...(definition?.buildType === GITHUB_WORKFLOW_BUILD_TYPE
        ? githubWorkflowSource(definition)
        : sourceOf(str(config?.uri), str(obj(config?.digest)?.sha1), obj(vcs))),
    };
    return info;
  }
  if (statement.predicateType === SLSA_V02) {
    const invocation = obj(predicate.invocation);
    const config = obj(invocation?.configSource);
    const metadata = obj(predicate.metadata);
    const vcs = obj(obj(metadata?.['https://mobyproject.org/buildkit@v1#metadata'])?.vcs);
    return {
      from: 'slsa-v0.2',
      builder: str(obj(predicate.builder)?.id),
      dockerfile: str(config?.entryPoint),
      bases: materials(predicate.materials, 'uri'),
      ...sourceOf(str(config?.uri), str(obj(config?.digest)?.sha1), vcs),
    };
  }
  return undefined;
}

/**
 * GitHub Actions' build type (slsa-framework/github-actions-buildtypes workflow/v1, written by
 * actions/attest-build-provenance and the SLSA GitHub generator): the repository is
 * `externalParameters.workflow.repository`, the commit the `gitCommit` of the resolved dependency
 * that is that repository.
 */
export const GITHUB_WORKFLOW_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';

function githubWorkflowSource(
  definition: Record<string, unknown>,
): Pick<ProvenanceInfo, 'sourceRepository' | 'revision'> {
  const workflow = obj(obj(definition.externalParameters)?.workflow);
  const repository = str(workflow?.repository);
  if (!repository) return {};
  const dependencies = Array.isArray(definition.resolvedDependencies) ? definition.resolvedDependencies : [];
  const source = dependencies.map(obj).find(
    (d) =>
      str(d?.uri)
        ?.replace(/^git\+/, '')
        .replace(/@.*$/, '') === repository,
  );
  return { sourceRepository: repository, revision: str(obj(source?.digest)?.gitCommit) };
}

function sourceOf(
  configUri: string | undefined,
  sha1: string | undefined,
  vcs: Record<string, unknown> | undefined,
): Pick<ProvenanceInfo, 'sourceRepository' | 'revision' | 'vcsHintOnly'> {
  if (configUri) return { sourceRepository: configUri.replace(/#.*$/, ''), revision: sha1 };
  // "BuildKit doesn't verify the vcs values" (slsa-definitions.md): shown, but marked as a hint.
  const source = str(vcs?.source);
  const revision = str(vcs?.revision);
  return source || revision ? { sourceRepository: source, revision, vcsHintOnly: true } : {};
}

/** Provenance from OCI annotations on the index entry or the manifest; undefined when none say anything. */
export function provenanceFromAnnotations(annotations: Record<string, string> | undefined): ProvenanceInfo | undefined {
  if (!annotations) return undefined;
  const source = str(annotations['org.opencontainers.image.source']);
  const revision = str(annotations['org.opencontainers.image.revision']);
  const baseName = str(annotations['org.opencontainers.image.base.name']);
  const baseDigest = str(annotations['org.opencontainers.image.base.digest']);
  if (!source && !revision && !baseName) return undefined;
  return {
    from: 'annotations',
    sourceRepository: source,
    revision,
    bases: baseName ? [{ reference: baseName, digest: baseDigest }] : [],
  };
}
