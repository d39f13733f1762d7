// Starts dist/server.js over IPC and carries the custom messages of protocol/messages.ts.
import * as vscode from 'vscode';
import {
  LanguageClient,
  ResponseError,
  RevealOutputChannelOn,
  CancellationToken,
  type HandlerResult,
  State,
  TransportKind,
  type ApplyWorkspaceEditParams,
  type ApplyWorkspaceEditResult,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  PIN_FILES_EDIT_LABEL,
  type MachineSettingsParams,
  type PinFilesResult,
  type StatusParams,
  type UpdateOptionsParams,
  type UpdateOptionsResult,
  type WorkspaceImagesResult,
} from '../../protocol/messages';
import { documentFilterMiddleware, userGlobsFromSettings } from './documentFilter';
import { COMPOSE_GLOBS, DOCKERFILE_GLOBS, KIND_GLOBS, POLICY_GLOB, SHARED_LANGUAGE_IDS } from './filePatterns';
import { readMachineSettings } from './machineSettings';
import {
  MachineSettingsNotification,
  PinFilesRequest,
  RefreshRequest,
  StatusNotification,
  UpdateOptionsRequest,
  WorkspaceImagesChangedNotification,
  WorkspaceImagesRequest,
} from './protocol';
import type { TrustStatus } from './trustStatus';

/** The client commands hover links may run (server/src/features/hover.ts HOVER_COMMANDS). */
export const HOVER_LINK_COMMANDS = ['imageTrust.applyFix', 'imageTrust.updateReference'];

/** `<id>.trace.server` is the setting vscode-languageclient reads for protocol tracing. */
const CLIENT_ID = 'imageTrust';
const DEBUG_PORT = 6009;

// The editor-level settings the server reads; the machine-scoped ones travel separately.
const EDITOR_SETTING_KEYS = [
  'offline',
  'rules',
  'trustedNamespaces',
  'trustedRegistries',
  'maxImageAgeDays',
  'files',
] as const;

/** Edits of imageTrust/pinFiles batches, kept back so the user sees them all in one preview. */
export interface CollectedEdits {
  edits: ApplyWorkspaceEditParams[];
}

// Files on disk and new unsaved editors only: a git: or diff view of the same file would repeat
// its diagnostics in the Problems panel.
export function documentSelector(): DocumentSelector {
  return [
    ...['file', 'untitled'].flatMap((scheme) => [
      { scheme, language: 'dockerfile' },
      { scheme, language: 'dockercompose' },
    ]),
    // Kubernetes, Helm, CI and dev container files share these languages with unrelated files:
    // the middleware sends only the ones that are a kind, and the server checks again.
    ...SHARED_LANGUAGE_IDS.map((language) => ({ scheme: 'file', language })),
    ...[...DOCKERFILE_GLOBS, ...COMPOSE_GLOBS, ...KIND_GLOBS, POLICY_GLOB].map((pattern) => ({
      scheme: 'file',
      pattern,
    })),
  ];
}

function editorSettings(): Record<string, unknown> {
  const configuration = vscode.workspace.getConfiguration('imageTrust');
  return Object.fromEntries(EDITOR_SETTING_KEYS.map((key) => [key, configuration.get(key)]));
}

export class ImageTrustClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private lastLoggedStatus = '';
  private collecting: CollectedEdits | undefined;

  constructor(
    serverModule: string,
    private readonly log: vscode.LogOutputChannel,
    statusBar: TrustStatus,
    policyHasFiles: () => boolean = () => false,
  ) {
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', `--inspect=${DEBUG_PORT}`] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      // A function, so a restart (after the workspace is trusted) sends fresh values.
      initializationOptions: () => ({
        settings: editorSettings(),
        machineSettings: readMachineSettings(vscode.workspace.getConfiguration('imageTrust')),
        workspaceTrusted: vscode.workspace.isTrusted,
        // The hover may use codicons and command links: the client trusts exactly these commands.
        hover: { themeIcons: true, commandLinks: true },
      }),
      markdown: { isTrusted: { enabledCommands: HOVER_LINK_COMMANDS }, supportThemeIcons: true },
      synchronize: { configurationSection: 'imageTrust' },
      outputChannel: log,
      // The status bar tells about trouble; the log opens when the user asks for it.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      middleware: {
        ...documentFilterMiddleware(() => this.client, { userGlobs: userGlobsFromSettings, policyHasFiles }),
        workspace: {
          handleApplyEdit: (params, next) => this.handleApplyEdit(params, (p) => next(p, CancellationToken.None)),
        },
      },
    };
    this.client = new LanguageClient(CLIENT_ID, 'Image Trust', serverOptions, clientOptions);
    this.client.onNotification(StatusNotification, (status) => {
      statusBar.showStatus(status);
      this.logStatus(status);
    });
    this.client.onDidChangeState(({ newState }) => {
      if (newState === State.Starting) statusBar.showStarting();
      else if (newState === State.Stopped) statusBar.showStopped();
    });
  }

  private async handleApplyEdit(
    params: ApplyWorkspaceEditParams,
    next: (params: ApplyWorkspaceEditParams) => HandlerResult<ApplyWorkspaceEditResult, void>,
  ): Promise<ApplyWorkspaceEditResult | ResponseError<void>> {
    // Workspace pinning shows every batch's edits in one refactor preview once all are planned;
    // the server's answer only counts what was planned, and the command reports what was applied.
    if (this.collecting && params.label === PIN_FILES_EDIT_LABEL) {
      this.collecting.edits.push(params);
      return { applied: true };
    }
    return await next(params);
  }

  /** Runs `work` and hands back the pin edits the server asked to apply meanwhile, unapplied. */
  async collectPinEdits<T>(work: () => Promise<T>): Promise<{ result: T; collected: CollectedEdits }> {
    const collected: CollectedEdits = { edits: [] };
    this.collecting = collected;
    try {
      return { result: await work(), collected };
    } finally {
      this.collecting = undefined;
    }
  }

  /** The collected edits as one VS Code edit, each marked as needing confirmation (refactor preview). */
  async previewEdit(
    collected: CollectedEdits,
    label: string,
  ): Promise<{
    edit: vscode.WorkspaceEdit;
    planned: Array<{ uri: vscode.Uri; edit: vscode.TextEdit }>;
    stale: string[];
  }> {
    const edit = new vscode.WorkspaceEdit();
    const planned: Array<{ uri: vscode.Uri; edit: vscode.TextEdit }> = [];
    const stale: string[] = [];
    const metadata: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: true, label };
    for (const params of collected.edits) {
      for (const change of params.edit.documentChanges ?? []) {
        if (!('textDocument' in change)) continue;
        const uri = this.client.protocol2CodeConverter.asUri(change.textDocument.uri);
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        // The plan was made on this version; the user may have typed since.
        if (open && change.textDocument.version !== null && open.version !== change.textDocument.version) {
          stale.push(uri.toString());
          continue;
        }
        for (const textEdit of change.edits) {
          if (!('newText' in textEdit)) continue;
          const converted = new vscode.TextEdit(
            this.client.protocol2CodeConverter.asRange(textEdit.range),
            textEdit.newText,
          );
          edit.replace(uri, converted.range, converted.newText, metadata);
          planned.push({ uri, edit: converted });
        }
      }
      for (const [key, edits] of Object.entries(params.edit.changes ?? {})) {
        const uri = this.client.protocol2CodeConverter.asUri(key);
        for (const textEdit of edits) {
          const converted = new vscode.TextEdit(
            this.client.protocol2CodeConverter.asRange(textEdit.range),
            textEdit.newText,
          );
          edit.replace(uri, converted.range, converted.newText, metadata);
          planned.push({ uri, edit: converted });
        }
      }
    }
    return { edit, planned, stale };
  }

  /** The log keeps the history the status bar item only shows the latest of. */
  private logStatus(status: StatusParams): void {
    const line = `Status: ${status.state}${status.unreachable.length ? `; unreachable: ${status.unreachable.map((u) => `${u.registry} (${u.message})`).join(', ')}` : ''}${
      status.rateLimit ? `; Docker Hub pulls left: ${status.rateLimit.remaining}/${status.rateLimit.limit}` : ''
    }`;
    if (line === this.lastLoggedStatus) return;
    this.lastLoggedStatus = line;
    if (status.state === 'degraded') this.log.warn(line);
    else this.log.info(line);
  }

  async start(): Promise<void> {
    this.log.info(
      `Starting the image-trust language server (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: no registry lookups'}).`,
    );
    try {
      await this.client.start();
    } catch (error) {
      this.log.error(`The image-trust language server did not start: ${describeError(error)}`);
    }
  }

  async restart(): Promise<void> {
    this.log.info('Restarting the image-trust language server.');
    try {
      if (this.client.needsStop()) await this.client.stop();
    } catch (error) {
      this.log.warn(`Stopping the language server failed: ${describeError(error)}`);
    }
    await this.start();
  }

  /** The server (re)started and answers requests. */
  onDidStart(listener: () => void): vscode.Disposable {
    return this.client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) listener();
    });
  }

  isRunning(): boolean {
    return this.client.isRunning();
  }

  pinFiles(uris: string[]): Promise<PinFilesResult> {
    return this.client.sendRequest(PinFilesRequest, { uris });
  }

  updateOptions(params: UpdateOptionsParams): Promise<UpdateOptionsResult | null> {
    return this.client.sendRequest(UpdateOptionsRequest, params);
  }

  workspaceImages(folders: string[]): Promise<WorkspaceImagesResult> {
    return this.client.sendRequest(WorkspaceImagesRequest, { folders });
  }

  /** Registry answers for workspace images arrived (after a workspaceImages request). */
  onWorkspaceImagesChanged(listener: () => void): vscode.Disposable {
    return this.client.onNotification(WorkspaceImagesChangedNotification, listener);
  }

  refresh(): Promise<void> {
    return this.client.sendRequest(RefreshRequest);
  }

  sendMachineSettings(settings: MachineSettingsParams): void {
    // Hosts only: a mirror URL may carry credentials.
    const mirrors = Object.keys(settings.registryMirrors ?? {});
    this.log.info(
      `Machine settings changed: ${mirrors.length ? `mirrors for ${mirrors.join(', ')}` : 'no registry mirrors'}; ${settings.insecureRegistries?.length ?? 0} insecure registries.`,
    );
    if (!this.client.isRunning()) return;
    this.client.sendNotification(MachineSettingsNotification, settings).catch((error) => {
      this.log.warn(`Could not send the machine settings to the server: ${describeError(error)}`);
    });
  }

  async stop(): Promise<void> {
    if (this.client.needsStop()) await this.client.stop();
  }

  dispose(): void {
    void this.stop();
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
