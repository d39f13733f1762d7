// The images view and its commands: refresh, group by image or file, pin everywhere, update
// everywhere.
import * as vscode from 'vscode';
import { PINNABLE_FILES_GLOB } from './filePatterns';
import { imageOfReference, placeKey, type ImagePlace } from './imageInventory';
import { ImagesView } from './imagesView';
import type { ImageTrustClient } from './languageClient';
import { pinWorkspace } from './pinWorkspace';
import { updateEverywhere } from './updatePicker';

export function registerImagesView(client: ImageTrustClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const view = new ImagesView(
    async () => {
      if (!client.isRunning()) return [];
      const folders = (vscode.workspace.workspaceFolders ?? [])
        .filter((f) => f.uri.scheme === 'file')
        .map((f) => f.uri.toString());
      const result = await client.workspaceImages(folders);
      if (result.truncated) log.warn('Images view: the workspace has more files than the view lists.');
      return result.places;
    },
    log,
    `{${PINNABLE_FILES_GLOB},**/.image-trust.yaml,**/.env}`,
  );
  return [
    view,
    client.onWorkspaceImagesChanged(() => view.refresh()),
    // Shown before the server ran, the view listed nothing: it asks again once the server answers.
    client.onDidStart(() => view.refresh()),
    vscode.commands.registerCommand('imageTrust.images.refresh', () => view.refresh()),
    vscode.commands.registerCommand('imageTrust.images.groupByImage', () => view.setGroupBy('image')),
    vscode.commands.registerCommand('imageTrust.images.groupByFile', () => view.setGroupBy('file')),
    vscode.commands.registerCommand('imageTrust.images.pinEverywhere', (node?: Parameters<ImagesView['placesOf']>[0]) =>
      pinEverywhere(client, log, view.placesOf(node)),
    ),
    vscode.commands.registerCommand(
      'imageTrust.images.updateEverywhere',
      (node?: Parameters<ImagesView['placesOf']>[0]) => updateEverywhere(log, view.placesOf(node)),
    ),
  ];
}

/** Pins the references of one image in every place it is used, after the same confirmation as the workspace pin. */
async function pinEverywhere(
  client: ImageTrustClient,
  log: vscode.LogOutputChannel,
  places: ImagePlace[],
): Promise<void> {
  const images = new Set(places.flatMap((p) => (p.image ? [p.image] : [])));
  if (images.size === 0) return;
  const starts = new Set(places.map((p) => placeKey(p.uri, p.range.start)));
  const uris = [...new Set(places.map((p) => p.uri))].map((u) => vscode.Uri.parse(u));
  await pinWorkspace(
    client,
    log,
    uris,
    // The file's other images stay as they are; an ARG default that names this image is pinned too.
    (uri, edit) => starts.has(placeKey(uri.toString(), edit.range.start)) || images.has(imageOfReference(edit.newText)),
  );
}
