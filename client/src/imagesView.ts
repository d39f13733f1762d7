// The "Container Images" view in the Explorer: every image reference the server finds in the
// workspace (the files the CLI walks, open or not), grouped by image or by file, with its trust
// state, counts and actions. Refreshes when files or diagnostics change, while it is visible.
import * as vscode from 'vscode';
import {
  describeImage,
  groupByFile,
  groupByImage,
  imageTooltip,
  tierIcon,
  type FileGroup,
  type ImageGroup,
  type ImagePlace,
} from './imageInventory';

export const IMAGES_VIEW_ID = 'imageTrust.images';
type GroupBy = 'image' | 'file';

type Node =
  | { kind: 'image'; group: ImageGroup }
  | { kind: 'file'; group: FileGroup }
  | { kind: 'place'; place: ImagePlace; under: 'image' | 'file' };

const SEVERITY_COLOR = {
  error: 'problemsErrorIcon.foreground',
  warning: 'problemsWarningIcon.foreground',
  info: 'problemsInfoIcon.foreground',
} as const;

export class ImagesView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private groupBy: GroupBy = 'image';
  /** The newest answer of the server. */
  private places: ImagePlace[] | undefined;
  /** What the tree shows: a refresh whose answer equals it leaves the tree alone. */
  private shown: ImagePlace[] | undefined;
  private first: Promise<ImagePlace[]> | undefined;
  /** Counts requests: an answer asked for before the latest one is not shown. */
  private generation = 0;
  private stale = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fetchPlaces: () => Promise<ImagePlace[]>,
    private readonly log: vscode.LogOutputChannel,
    watchGlob: string,
  ) {
    this.view = vscode.window.createTreeView(IMAGES_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    void vscode.commands.executeCommand('setContext', 'imageTrust.images.groupBy', this.groupBy);
    const watcher = vscode.workspace.createFileSystemWatcher(watchGlob);
    this.disposables.push(
      this.view,
      this.changed,
      watcher,
      watcher.onDidChange(() => this.scheduleRefresh()),
      watcher.onDidCreate(() => this.scheduleRefresh()),
      watcher.onDidDelete(() => this.scheduleRefresh()),
      // Registry answers arrive as diagnostics; so do edits of open files.
      vscode.languages.onDidChangeDiagnostics(() => this.scheduleRefresh()),
      this.view.onDidChangeVisibility(({ visible }) => {
        if (visible && this.stale) this.refresh();
      }),
    );
  }

  setGroupBy(groupBy: GroupBy): void {
    this.groupBy = groupBy;
    void vscode.commands.executeCommand('setContext', 'imageTrust.images.groupBy', groupBy);
    this.changed.fire(undefined);
  }

  /** Asks the server again (now if visible, else when it becomes visible). */
  refresh(): void {
    this.stale = true;
    if (!this.view.visible) return;
    this.stale = false;
    // The tree is redrawn only when the answer differs from what it shows: a redraw closes an
    // open context menu and loses the row under the pointer, and most refreshes (diagnostics
    // published again, a file saved unchanged) change nothing in the inventory.
    void this.fetch();
  }

  /** Several file or diagnostics events in a row make one request. */
  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 750);
  }

  /** The places of an image group or a place, for the view's actions. */
  placesOf(node: Node | undefined): ImagePlace[] {
    if (!node) return [];
    if (node.kind === 'place') return [node.place];
    return node.group.places;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'image' || node?.kind === 'file')
      return node.group.places.map((place) => ({ kind: 'place', place, under: node.kind }));
    if (node) return [];
    const places = this.places ?? (await (this.first ??= this.fetch()));
    this.shown = places;
    this.view.message = places.length
      ? undefined
      : vscode.l10n.t('No image references in the files Image Trust checks.');
    this.view.description =
      places.length === 1 ? vscode.l10n.t('1 reference') : vscode.l10n.t('{0} references', places.length);
    return this.groupBy === 'image'
      ? groupByImage(places).map((group) => ({ kind: 'image', group }))
      : groupByFile(places).map((group) => ({ kind: 'file', group }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'image') {
      const { group } = node;
      const item = new vscode.TreeItem(group.image, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = describeImage(group, vscode.l10n.t);
      item.tooltip = new vscode.MarkdownString(imageTooltip(group, vscode.l10n.t));
      item.iconPath = new vscode.ThemeIcon(
        tierIcon(group.tier, group.trusted),
        group.worst ? new vscode.ThemeColor(SEVERITY_COLOR[group.worst]) : undefined,
      );
      item.contextValue = `image${group.unpinned > 0 ? ' unpinned' : ''}${group.newer ? ' outdated' : ''}${group.patchable ? ' patchable' : ''}`;
      item.id = `image:${group.image}`;
      return item;
    }
    if (node.kind === 'file') {
      const uri = vscode.Uri.parse(node.group.uri);
      const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
      item.description =
        node.group.places.length === 1
          ? vscode.l10n.t('1 image')
          : vscode.l10n.t('{0} images', node.group.places.length);
      item.iconPath = vscode.ThemeIcon.File;
      item.contextValue = 'file';
      item.id = `file:${node.group.uri}`;
      return item;
    }
    const { place } = node;
    const uri = vscode.Uri.parse(place.uri);
    const where = `${vscode.workspace.asRelativePath(uri)}:${place.range.start.line + 1}`;
    const item = new vscode.TreeItem(node.under === 'image' ? where : (place.image ?? place.text));
    item.description = node.under === 'image' ? place.text : `${place.text} · ${where}`;
    const worst = place.findings[0]?.severity;
    item.iconPath = place.pinned
      ? new vscode.ThemeIcon('pinned')
      : new vscode.ThemeIcon(
          worst === 'error' ? 'error' : worst === 'warning' ? 'warning' : worst === 'info' ? 'info' : 'pass',
          worst ? new vscode.ThemeColor(SEVERITY_COLOR[worst]) : undefined,
        );
    item.tooltip = place.findings.length
      ? place.findings.map((f) => `${f.rule} (${f.severity})`).join('\n')
      : vscode.l10n.t('No findings');
    item.contextValue = `place${place.image && !place.pinned ? ' unpinned' : ''}${place.image ? ' image' : ''}`;
    item.command = {
      command: 'vscode.open',
      title: vscode.l10n.t('Open'),
      arguments: [
        uri,
        {
          selection: new vscode.Range(
            place.range.start.line,
            place.range.start.character,
            place.range.end.line,
            place.range.end.character,
          ),
        },
      ],
    };
    return item;
  }

  /** Asks the server; the newest request's answer is kept, and shown if it changes the tree. */
  private async fetch(): Promise<ImagePlace[]> {
    const generation = ++this.generation;
    let places: ImagePlace[];
    try {
      places = await this.fetchPlaces();
    } catch (error) {
      this.log.warn(`Images view: ${error instanceof Error ? error.message : String(error)}`);
      // A failed request (the server restarting) keeps what is known.
      places = this.places ?? [];
    }
    if (generation !== this.generation) return this.places ?? places;
    this.places = places;
    if (this.shown && !samePlaces(this.shown, places)) this.changed.fire(undefined);
    return places;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function samePlaces(a: readonly ImagePlace[], b: readonly ImagePlace[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}
