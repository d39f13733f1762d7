// Custom messages between the image-trust client and server (see client/src).
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver';

export interface StatusParams {
  state: 'online' | 'offline' | 'degraded' | 'busy';
  text: string;
  tooltip: string;
  unreachable: Array<{ registry: string; message: string }>;
  rateLimit?: { limit: number; remaining: number; windowSeconds?: number };
  /** False until a registry or Docker Hub has answered (or failed to); the client says "not asked yet". */
  asked?: boolean;
}
export const StatusNotification = new NotificationType<StatusParams>('imageTrust/status');

export interface MachineSettingsParams {
  registryMirrors?: Record<string, string>;
  hubUrl?: string;
  insecureRegistries?: string[];
  /** endoflife.date API base to refresh end-of-life data from; unset: the shipped snapshot only. */
  eolUrl?: string;
  /** Requests in flight per registry origin. */
  connectionsPerRegistry?: number;
  /** Overall deadline of one request, seconds. */
  requestTimeoutSeconds?: number;
  /** Network time of one document's lookups, seconds. */
  networkBudgetSeconds?: number;
  /** Token endpoints on another host that may receive a registry's credentials. */
  trustedTokenRealms?: string[];
  /** OSV API base (default https://api.osv.dev). */
  osvUrl?: string;
  /** Folder of downloaded OSV exports used instead of the OSV API. */
  vulnDb?: string;
  /** A Sigstore trusted_root.json (file path) replacing the shipped public-good root. */
  sigstoreTrustedRoot?: string;
}
export const MachineSettingsNotification = new NotificationType<MachineSettingsParams>('imageTrust/machineSettings');

export interface PinFilesParams {
  uris: string[];
}
export interface PinFilesResult {
  files: number;
  changedFiles: number;
  pinned: number;
  failed: Array<{ uri: string; reference: string; reason: string }>;
}
export const PinFilesRequest = new RequestType<PinFilesParams, PinFilesResult, void>('imageTrust/pinFiles');
export const RefreshRequest = new RequestType0<void, void>('imageTrust/refresh');

/** Command ids the server executes (workspace/executeCommand). */
export const PIN_DOCUMENT_COMMAND = 'imageTrust.server.pinDocument';
