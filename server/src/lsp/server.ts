// The language server: wiring only. Each handler module owns one part of the protocol and reads
// the one SettingsState; features/ and core/ decide what is said.
//   documents.ts     didOpen/didChange/didClose, watched files → diagnostics (+ debounced network pass),
//                    pushed or, for a client that pulls, answered to textDocument/diagnostic
//   settings.ts      initializationOptions, workspace/configuration, imageTrust/machineSettings
//   status.ts        imageTrust/status
//   hover.ts         textDocument/hover
//   codeActions.ts   textDocument/codeAction
//   workspacePins.ts imageTrust/pinFiles
//   updateOptions.ts imageTrust/updateOptions
//   workspaceImages.ts imageTrust/workspaceImages (the images view)
import {
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { POLICY_FILE_NAME } from '../core/policy';
import { RefreshRequest } from './protocol';
import { clientPullsDiagnostics } from './diagnosticsPublisher';
import { CODE_ACTION_KINDS, CodeActionHandler } from './handlers/codeActions';
import { DocumentChecker } from './handlers/documents';
import { FactsLookup } from './handlers/factsLookup';
import { HoverHandler } from './handlers/hover';
import { SettingsHandler } from './handlers/settings';
import { StatusReporter } from './handlers/status';
import { UpdateOptionsHandler } from './handlers/updateOptions';
import { WorkspacePinHandler } from './handlers/workspacePins';
import { registerWorkspaceImages } from './handlers/workspaceImages';
import { SettingsState } from './settingsState';

declare const IMAGE_TRUST_VERSION: string | undefined;
/** The version in package.json, put in by the build (scripts/build.mjs). */
export const SERVER_VERSION = typeof IMAGE_TRUST_VERSION === 'string' ? IMAGE_TRUST_VERSION : '0.0.0-dev';

export class ImageTrustServer {
  readonly settings: SettingsState;
  readonly documents = new TextDocuments(TextDocument);
  readonly checker: DocumentChecker;
  readonly status: StatusReporter;
  private readonly settingsHandler: SettingsHandler;
  private readonly lookup: FactsLookup;

  constructor(
    private readonly connection: Connection,
    settings?: SettingsState,
  ) {
    this.settings = settings ?? new SettingsState({ cacheDir: process.env.IMAGE_TRUST_CACHE_DIR });
    this.status = new StatusReporter(connection, this.settings);
    this.checker = new DocumentChecker(connection, this.documents, this.settings);
    this.checker.onNetworkPassDone = () => this.status.lookupsDone();
    this.lookup = new FactsLookup(this.settings, this.checker);
    this.lookup.onLookupsDone = () => this.status.lookupsDone();
    this.settingsHandler = new SettingsHandler(connection, this.settings, () => this.checker.revalidateAll());
  }

  listen(): void {
    const c = this.connection;
    const guard = <T>(work: () => Promise<T>, fallback: T) => this.guard(work, fallback);
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => this.initialized());
    this.settingsHandler.register();
    this.checker.register();
    new HoverHandler(this.settings, this.checker, this.lookup).register(c, guard);
    new CodeActionHandler(this.settings, this.checker, this.lookup).register(c, guard);
    new WorkspacePinHandler(c, this.settings, this.checker, this.lookup).register(guard);
    new UpdateOptionsHandler(c, this.settings, this.checker, this.lookup).register(guard);
    registerWorkspaceImages(c, this.settings, this.checker, this.lookup, guard);
    c.onRequest(RefreshRequest, () => guard(() => this.refresh(), undefined));
    c.languages.diagnostics.on((params) =>
      this.checker.publisher.report(params.textDocument.uri, params.previousResultId),
    );
    c.onShutdown(() => this.settings.dispose());
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.settingsHandler.initialize(params);
    const pull = clientPullsDiagnostics(params.capabilities);
    if (pull) this.checker.publisher.usePull();
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
        // Findings of one document depend on the policy and `.env` files, whose changes the server
        // watches itself and answers with a refresh.
        ...(pull
          ? {
              diagnosticProvider: {
                identifier: 'image-trust',
                interFileDependencies: false,
                workspaceDiagnostics: false,
              },
            }
          : {}),
      },
      serverInfo: { name: 'image-trust', version: SERVER_VERSION },
    };
  }

  private initialized(): void {
    void this.connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/${POLICY_FILE_NAME}` }, { globPattern: '**/.env' }],
      })
      .catch(() => undefined);
    this.status.send(true);
    void this.settingsHandler.initialized();
  }

  /** imageTrust/refresh: forget every cached answer and check the open documents again. */
  private async refresh(): Promise<void> {
    await this.settings.network.clearCache();
    this.checker.forgetFacts();
    this.checker.revalidateAll();
    this.status.send(true);
  }

  private async guard<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.connection.console.error(`image-trust: ${(error as Error).stack ?? error}`);
      return fallback;
    }
  }
}
