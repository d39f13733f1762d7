// The vocabulary of the pure core. Nothing here imports vscode, the LSP libraries or undici.

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export const RULE_IDS = [
  'invalid-reference',
  'latest-tag',
  'missing-tag',
  'unofficial-image',
  'untrusted-registry',
  'unpinned-digest',
  'outdated-version',
  'eol-version',
  'stale-digest',
  'unknown-image',
  'unknown-tag',
  'stale-image',
  'unsigned-image',
  'vulnerable-image',
  'stale-base',
  'untrusted-signature',
  // Added beyond the contract's table: problems of the document rather than of an image.
  'unresolved-variable',
  'invalid-document',
  'invalid-policy',
  'mismatched-tag',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

/** Zero-based line and UTF-16 character offset, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** A parsed, normalized image reference (distribution/reference rules). */
export interface ImageReference {
  /** The reference text that was parsed (after variable substitution). */
  readonly raw: string;
  /** Canonical registry host: `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Repository path inside the registry: `library/nginx` for `nginx`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** How Docker prints it: `nginx`, `bitnami/redis`, `ghcr.io/o/r` (no tag or digest). */
  readonly familiarName: string;
}

export type ReferenceSource =
  | 'from'
  | 'copy-from'
  | 'mount-from'
  | 'compose-image'
  | 'kubernetes-image'
  | 'kubernetes-image-volume'
  | 'helm-image'
  | 'actions-container'
  | 'actions-service'
  | 'actions-step'
  | 'actions-runs'
  | 'gitlab-image'
  | 'gitlab-service'
  | 'devcontainer-image'
  | 'devcontainer-feature'
  | 'bake-context';

/** Where the text of a reference lives when it came from a variable default. */
export interface EditTarget {
  range: Range;
  /** The text currently at `range`. */
  text: string;
}

/** One place in a document where an image is referenced. */
export interface ImageOccurrence {
  /** The text as written in the file at `range`, e.g. `nginx:1.27` or `${BASE}`. */
  text: string;
  range: Range;
  source: ReferenceSource;
  /**
   * The reference after variable substitution, or undefined when a variable
   * could not be resolved (see `unresolvedVariables`).
   */
  resolved?: string;
  unresolvedVariables?: string[];
  /** Where a fix must write the new reference text, when that is not `range`. */
  editTarget?: EditTarget;
  /** Why a fix cannot rewrite this reference (e.g. built from several variables). */
  editBlockedReason?: string;
  /** `--platform` value when given. */
  platform?: string;
  /**
   * The reference is split over several keys (Helm values `repository`/`tag`/`digest`): a fix
   * rewrites `range`, putting the new tag and digest into the fields it names.
   */
  split?: SplitReference;
  /** Named by an ONBUILD trigger: pulled by the builds that use this image as their base. */
  onbuild?: boolean;
  /** Variables that expand to an empty string (undeclared before the first FROM). */
  emptyVariables?: string[];
  /** Why the text cannot be expanded at all (the build fails with this). */
  expansionError?: string;
  /** Rules silenced by an `# image-trust-ignore=` comment above. */
  suppressed: ReadonlySet<string>;
  /**
   * First line of the instruction or `image:` key the reference belongs to: the line that
   * `# image-trust-ignore=` comments sit directly above. Absent: the reference's own line.
   */
  constructLine?: number;
  /**
   * How an ignore comment is written in this file: `#` (Dockerfile, YAML, HCL; the default), `//`
   * (JSON with comments: dev containers), or not at all (plain JSON: a bake .json file).
   */
  commentSyntax?: 'hash' | 'slash' | 'none';
}

/** One scalar inside a split reference: offsets into `SplitReference.text`, quotes included. */
export interface SplitField {
  start: number;
  end: number;
  quote: '"' | "'" | '';
}

export interface SplitReference {
  range: Range;
  /** The text at `range` now. */
  text: string;
  tag: SplitField;
  /** Present when the object has a `digest:` key: the digest is written there and the tag kept. */
  digest?: SplitField;
}

/** Every kind of file whose images are checked. */
export const IMAGE_FILE_KINDS = [
  'dockerfile',
  'compose',
  'kubernetes',
  'helm-values',
  'github-actions',
  'gitlab-ci',
  'devcontainer',
  'bake',
] as const;
export type ImageFileKind = (typeof IMAGE_FILE_KINDS)[number];
export type DocumentKind = ImageFileKind | 'policy';

/** A problem with the document itself rather than a reference (bad YAML, unresolved variable). */
export interface DocumentProblem {
  message: string;
  range: Range;
  severity: Severity;
  code: RuleId;
  /** The reference text the problem is about, when there is one. */
  reference?: string;
}

export interface ExtractionResult {
  occurrences: ImageOccurrence[];
  problems: DocumentProblem[];
}

/** A way to change a reference: the full new reference text for the occurrence's edit range. */
export interface Fix {
  title: string;
  replacement: string;
  /** Quick-fix kind preference: the one an editor may apply with a single key. */
  isPreferred?: boolean;
  /** Set when the fix writes somewhere other than the finding's own range (an ARG default). */
  range?: Range;
  /** What the current text at `range` must still be for the fix to apply. */
  expectedText?: string;
  /** Set when the fix cannot be applied here, with the reason shown to the user. */
  disabledReason?: string;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  range: Range;
  /** The reference text as written in the file. */
  reference: string;
  fixes: Fix[];
  /** Advisory ids the finding is about (`vulnerable-image`), for SARIF and JSON. */
  vulnerabilityIds?: string[];
}
