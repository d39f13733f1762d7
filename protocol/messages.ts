// The custom messages between the image-trust client and server, in one place: the VS Code client
// (client/src) and the language server (server/src/lsp) both import them from here, so a method
// name or a parameter shape cannot differ between the two. Nothing is imported: the client and
// the server carry different vscode-jsonrpc versions, whose message classes do not mix, so each
// side turns these descriptions into its own typed messages (client/src/protocol.ts,
// server/src/lsp/protocol.ts) with the types taken from here.
import type { MachineSettingsParams } from './machineSettings';
// Types only (erased by the build): the words the core uses for tiers, rules and severities.
import type { PublisherTier } from '../server/src/core/facts';
import type { RuleId, Severity } from '../server/src/core/types';

export type { MachineSettingsParams } from './machineSettings';
export type { PublisherTier, Severity };

/** A notification with parameters `P`; `params` is never set, it only carries the type. */
export interface NotificationMessage<P> {
  readonly method: string;
  readonly params?: P;
}
/** A request with parameters `P` (`void`: none) and result `R`; the fields only carry the types. */
export interface RequestMessage<P, R> {
  readonly method: string;
  readonly params?: P;
  readonly result?: R;
}

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}

/** Registry health as the server sees it, sent whenever it changes. */
export interface StatusParams {
  state: 'online' | 'offline' | 'degraded';
  tooltip: string;
  unreachable: Array<{ registry: string; message: string }>;
  rateLimit?: { limit: number; remaining: number; windowSeconds?: number };
  /** False until a registry or Docker Hub has answered (or failed to); the client says "not asked yet". */
  asked?: boolean;
}
export const StatusNotification: NotificationMessage<StatusParams> = { method: 'imageTrust/status' };

/** Client → server: the machine-scoped settings (see machineSettings.ts), on start and on change. */
export const MachineSettingsNotification: NotificationMessage<MachineSettingsParams> = {
  method: 'imageTrust/machineSettings',
};

export interface PinFilesParams {
  uris: string[];
}
export interface PinFilesResult {
  files: number;
  changedFiles: number;
  pinned: number;
  failed: Array<{ uri: string; reference: string; reason: string }>;
}
/** The label of the workspace/applyEdit imageTrust/pinFiles sends (the client previews those edits). */
export const PIN_FILES_EDIT_LABEL = 'Pin images to digests';
/** Pins every image of the given files to digests through one workspace/applyEdit. */
export const PinFilesRequest: RequestMessage<PinFilesParams, PinFilesResult> = { method: 'imageTrust/pinFiles' };

/** Forgets every cached registry and Docker Hub answer and checks the open documents again. */
export const RefreshRequest: RequestMessage<void, void> = { method: 'imageTrust/refresh' };

export interface UpdateOptionsParams {
  textDocument: { uri: string };
  position: Position;
}
export interface UpdateCandidate {
  tag: string;
  /** Which number changes first compared to the current tag. */
  level: 'patch' | 'minor' | 'major';
  /** When the tag was last pushed (ISO date), when the registry or Docker Hub says. */
  pushedAt?: string;
  /** The end of life of the candidate's release cycle, when known: ISO date and whether it has passed. */
  endOfLife?: { date?: string; isEol: boolean; cycle: string };
  /**
   * Known vulnerabilities of the candidate that the policy reports (its threshold, ignore list and
   * fixableOnly), by severity, when the policy checks vulnerabilities and the answer is known.
   */
  vulnerabilities?: { critical: number; high: number; medium: number; low: number; unknown: number; fixable: number };
  /** The candidate's digest, when the reference is pinned (the edit keeps it pinned). */
  digest?: string;
  /** The edit that moves the document to this candidate; absent when it cannot be written. */
  edit?: { range: Range; newText: string };
  /** Why there is no edit. */
  disabledReason?: string;
}
export interface UpdateOptionsResult {
  /** The reference as written, e.g. `nginx:1.25.3`. */
  reference: string;
  currentTag?: string;
  /** Newest first within each level; levels patch, minor, major in that order. */
  candidates: UpdateCandidate[];
  /** Why the list is empty or short (offline, no tags, registry unreachable). */
  note?: string;
}
/** Newer tags of the same variant as the reference at a position, for an "Update to…" picker. */
export const UpdateOptionsRequest: RequestMessage<UpdateOptionsParams, UpdateOptionsResult | null> = {
  method: 'imageTrust/updateOptions',
};

/** One image reference of the workspace, for the images view (server/src/features/workspaceImages.ts). */
export interface ImagePlace {
  uri: string;
  range: Range;
  /** The text as written, e.g. `nginx:1.27` or `${BASE}`. */
  text: string;
  /** The image without tag or digest as Docker prints it (`nginx`, `ghcr.io/acme/api`); absent when it cannot be read. */
  image?: string;
  tag?: string;
  digest?: string;
  tier?: PublisherTier;
  trusted?: boolean;
  pinned: boolean;
  /** The newest newer version of the same variant, when one is known. */
  newer?: string;
  /** The newest patch release of the same variant, when one is known ("Update Everywhere to the Newest Patch"). */
  newerPatch?: string;
  /** Past its end of life (false: supported; absent: unknown). */
  endOfLife?: boolean;
  signature?: 'verified' | 'invalid' | 'signed' | 'unsigned';
  findings: Array<{ rule: RuleId; severity: Severity }>;
}
export interface WorkspaceImagesParams {
  /** Workspace folder URIs (file:) to list the images of. */
  folders: string[];
}
export interface WorkspaceImagesResult {
  places: ImagePlace[];
  /** The workspace has more files than are listed. */
  truncated: boolean;
}
/** Every image reference in the files of the folders (the CLI's walk), for the images view. */
export const WorkspaceImagesRequest: RequestMessage<WorkspaceImagesParams, WorkspaceImagesResult> = {
  method: 'imageTrust/workspaceImages',
};
/** Server → client: registry answers arrived for images of the workspace; ask again. */
export const WorkspaceImagesChangedNotification: NotificationMessage<void> = {
  method: 'imageTrust/workspaceImagesChanged',
};

/** Code action kind of "Pin all images in this file": never a source.fixAll (it needs the network). */
export const PIN_IMAGES_CODE_ACTION_KIND = 'source.pinImages.imageTrust';

/** Code action kind of "Update all images in this file to the newest patch" (needs the network). */
export const UPDATE_PATCHES_CODE_ACTION_KIND = 'source.updatePatches.imageTrust';
