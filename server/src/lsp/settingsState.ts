// The one settings object every handler reads: editor settings (workspace/configuration and
// initializationOptions), machine settings (only from the machine, see settings.ts), workspace
// trust, what the client can do, and the Network built from them. Handlers never keep copies.
import { mergePolicy } from '../core/policy';
import type { Policy } from '../core/settings';
import type { LoadedPolicy } from '../services/documentContext';
import { createNetwork, type Network } from '../services/network';
import type { MachineSettingsParams } from '../../../protocol/machineSettings';
import { networkSettings, type EditorSettings } from './settings';
import type { HoverClientFeatures } from '../features/hover';

export interface ClientAbilities {
  /** The client answers workspace/configuration. */
  configuration: boolean;
  /** Workspace edits may use documentChanges (versioned edits). */
  documentChanges: boolean;
  /** Workspace edits may create files (a new `.image-trust.yaml`). */
  createFiles: boolean;
}

export interface SettingsChange {
  editor?: EditorSettings;
  machine?: MachineSettingsParams;
  workspaceTrusted?: boolean;
}

export class SettingsState {
  private editorSettings: EditorSettings = {};
  private machineSettings: MachineSettingsParams = {};
  private trusted = true;
  private currentNetwork: Network | undefined;
  private networkKey = '';
  private warnings: string[] = [];
  private readonly networkListeners: Array<(network: Network) => void> = [];
  abilities: ClientAbilities = { configuration: false, documentChanges: false, createFiles: false };
  /** What the client can draw in a hover (initializationOptions.hover: the LSP has no capability for it). */
  hoverFeatures: HoverClientFeatures = {};
  /** Paths of the workspace folders, where a new policy file goes. */
  workspaceFolders: string[] = [];

  constructor(
    private readonly options: {
      cacheDir?: string;
      createNetwork?: typeof createNetwork;
    } = {},
  ) {}

  get editor(): EditorSettings {
    return this.editorSettings;
  }
  get machine(): MachineSettingsParams {
    return this.machineSettings;
  }
  get workspaceTrusted(): boolean {
    return this.trusted;
  }
  /** Warnings about editor settings that were ignored (bad values), for the user to see. */
  get editorWarnings(): readonly string[] {
    return this.warnings;
  }

  get network(): Network {
    if (!this.currentNetwork) this.rebuildNetwork();
    return this.currentNetwork!;
  }

  get online(): boolean {
    return !this.network.settings.offline;
  }

  /** Called with the new Network whenever where or whether requests go changes. */
  onNetworkRebuilt(listener: (network: Network) => void): void {
    this.networkListeners.push(listener);
  }

  /** Applies what changed; true when anything the checks depend on is different now. */
  update(change: SettingsChange): boolean {
    const before = this.key();
    if (change.editor) this.editorSettings = change.editor;
    if (change.machine) this.machineSettings = change.machine;
    if (change.workspaceTrusted !== undefined) this.trusted = change.workspaceTrusted;
    this.warnings = mergePolicy(undefined, new Set(), this.editorSettings).warnings;
    this.rebuildNetwork();
    return this.key() !== before;
  }

  /** The policy of a loaded policy file (or none) with the editor settings merged in. */
  policyFor(loaded: LoadedPolicy | undefined): Policy {
    return mergePolicy(
      loaded?.problems.length ? undefined : loaded?.policy,
      loaded?.keys ?? new Set(),
      this.editorSettings,
    ).policy;
  }

  dispose(): Promise<void> {
    return this.currentNetwork?.dispose() ?? Promise.resolve();
  }

  private key(): string {
    return JSON.stringify([this.editorSettings, this.machineSettings, this.trusted]);
  }

  private rebuildNetwork(): void {
    const settings = networkSettings(this.editorSettings, this.machineSettings, {
      workspaceTrusted: this.trusted,
      cacheDir: this.options.cacheDir,
    });
    const key = JSON.stringify(settings);
    if (this.currentNetwork && key === this.networkKey) return;
    void this.currentNetwork?.dispose();
    this.networkKey = key;
    this.currentNetwork = (this.options.createNetwork ?? createNetwork)(settings);
    for (const listener of this.networkListeners) listener(this.currentNetwork);
  }
}
