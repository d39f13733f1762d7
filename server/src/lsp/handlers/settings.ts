// Settings in: initializationOptions at start, then workspace/configuration (pulled after
// `initialized` and on every didChangeConfiguration) for the editor settings, and the client's
// imageTrust/machineSettings notification for the machine ones. Every change rebuilds what
// depends on it once and checks the open documents once. Bad editor values are shown, not dropped
// silently.
import type { Connection, InitializeParams } from 'vscode-languageserver';
import { MachineSettingsNotification } from '../protocol';
import { validateMachineSettings } from '../../../../protocol/machineSettings';
import { fileUriToPath } from '../documentUris';
import { readEditorSettings } from '../settings';
import type { SettingsChange, SettingsState } from '../settingsState';

type SettingsConnection = Pick<Connection, 'onDidChangeConfiguration' | 'onNotification' | 'console' | 'window'> & {
  workspace: Pick<Connection['workspace'], 'getConfiguration'>;
};

export class SettingsHandler {
  private shownWarnings = '';

  constructor(
    private readonly connection: SettingsConnection,
    private readonly settings: SettingsState,
    /** Checks every open document again. */
    private readonly revalidateAll: () => void,
  ) {}

  /** Reads initializationOptions and the client's abilities; call from onInitialize. */
  initialize(params: InitializeParams): void {
    const options = (params.initializationOptions ?? {}) as Record<string, unknown>;
    const workspace = params.capabilities.workspace;
    this.settings.abilities = {
      configuration: !!workspace?.configuration,
      documentChanges: !!workspace?.workspaceEdit?.documentChanges,
      createFiles: !!workspace?.workspaceEdit?.resourceOperations?.includes('create'),
    };
    const hover = (options.hover ?? {}) as Record<string, unknown>;
    this.settings.hoverFeatures = { themeIcons: hover.themeIcons === true, commandLinks: hover.commandLinks === true };
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.settings.workspaceFolders = folders.flatMap((uri) => fileUriToPath(uri) ?? []);
    this.settings.update({
      editor: readEditorSettings(options.settings),
      machine: validateMachineSettings(options.machineSettings),
      workspaceTrusted: options.workspaceTrusted !== false,
    });
  }

  register(): void {
    this.connection.onDidChangeConfiguration((p) => this.configurationChanged(p.settings));
    this.connection.onNotification(MachineSettingsNotification, (p) =>
      this.apply({ machine: validateMachineSettings(p) }),
    );
  }

  /** After `initialized`: the editor settings as the client has them now. */
  async initialized(): Promise<void> {
    this.showWarnings();
    const pulled = await this.pull();
    if (pulled) this.apply({ editor: pulled });
  }

  async configurationChanged(settings: unknown): Promise<void> {
    const pushed =
      settings && typeof settings === 'object' ? (settings as Record<string, unknown>).imageTrust : undefined;
    // A client that answers workspace/configuration is asked (it knows the document's scope);
    // otherwise the pushed value counts.
    const editor = (await this.pull()) ?? (pushed ? readEditorSettings(pushed) : undefined);
    if (editor) this.apply({ editor });
  }

  private async pull() {
    if (!this.settings.abilities.configuration) return undefined;
    try {
      const value: unknown = await this.connection.workspace.getConfiguration('imageTrust');
      return value ? readEditorSettings(value) : undefined;
    } catch {
      // Editors that do not answer workspace/configuration keep initializationOptions.
      return undefined;
    }
  }

  private apply(change: SettingsChange): void {
    if (!this.settings.update(change)) return;
    this.showWarnings();
    this.revalidateAll();
  }

  private showWarnings(): void {
    const warnings = this.settings.editorWarnings;
    const key = warnings.join('\n');
    if (key === this.shownWarnings) return;
    this.shownWarnings = key;
    if (!warnings.length) return;
    for (const warning of warnings) this.connection.console.warn(`image-trust: ${warning}`);
    void this.connection.window.showWarningMessage(`Image Trust settings: ${warnings.join(' ')}`);
  }
}
