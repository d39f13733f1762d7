// Activation: the log, the status items, the language client, the commands and the images view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerImagesView } from './imagesViewCommands';
import { scanWorkspace } from './documentFilter';
import { documentSelector, ImageTrustClient } from './languageClient';
import { affectsMachineSettings, readMachineSettings } from './machineSettings';
import { TrustStatus } from './trustStatus';

let client: ImageTrustClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Image Trust', { log: true });
  const status = new TrustStatus(documentSelector() as vscode.DocumentSelector);
  // Before the client starts: the document filter needs to know where Chart.yaml files are.
  const workspace = await scanWorkspace().catch(() => ({ policyHasFiles: true }));
  const started = new ImageTrustClient(
    context.asAbsolutePath(path.join('dist', 'server.js')),
    log,
    status,
    () => workspace.policyHasFiles,
  );
  client = started;
  context.subscriptions.push(
    log,
    status,
    started,
    ...registerCommands(started, log),
    ...registerImagesView(started, log),
    // The server started in Restricted Mode makes no registry lookups; trust changes that, and
    // initializationOptions carry it, so start over.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void started.restart()),
    // synchronize.configurationSection forwards the whole section, but the server takes the
    // machine-scoped keys only from this notification, which carries the user's own values.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsMachineSettings(event))
        started.sendMachineSettings(readMachineSettings(vscode.workspace.getConfiguration('imageTrust')));
    }),
  );
  await started.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
