// The status bar item: registry health and Docker Hub quota as the server reports them; a click
// opens the log.
import * as vscode from 'vscode';
import type { StatusParams } from '../../protocol/messages';
import { presentStarting, presentStatus, presentStopped, type StatusPresentation } from './statusPresentation';

export const SHOW_LOG_COMMAND = 'imageTrust.showLog';

export class TrustStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('imageTrust.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Image Trust';
    this.item.command = SHOW_LOG_COMMAND;
    this.render(presentStarting());
    this.item.show();
  }

  showStatus(status: StatusParams): void {
    this.render(presentStatus(status));
  }

  showStarting(): void {
    this.render(presentStarting());
  }

  showStopped(reason?: string): void {
    this.render(presentStopped(reason));
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(presentation: StatusPresentation): void {
    this.item.text = presentation.text;
    this.item.tooltip = presentation.tooltip;
    this.item.backgroundColor =
      presentation.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : presentation.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }
}
