// Registry health and the Docker Hub quota as the server reports them, in two places: a language
// status item (the `{}` in the status bar) for the files Image Trust checks, and a status bar item.
// Both start at "not asked yet" and offer the actions Refresh, Toggle Offline, Open Settings and
// Show Log.
import * as vscode from 'vscode';
import type { StatusParams } from '../../protocol/messages';
import {
  presentStarting,
  presentStatus,
  presentStopped,
  STATUS_ACTIONS,
  type StatusPresentation,
} from './statusPresentation';

export const SHOW_LOG_COMMAND = 'imageTrust.showLog';
export const STATUS_ACTIONS_COMMAND = 'imageTrust.statusActions';

export class TrustStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly languageItem: vscode.LanguageStatusItem;

  constructor(selector: vscode.DocumentSelector) {
    this.item = vscode.window.createStatusBarItem('imageTrust.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('Image Trust');
    this.item.command = STATUS_ACTIONS_COMMAND;
    this.languageItem = vscode.languages.createLanguageStatusItem('imageTrust.languageStatus', selector);
    this.languageItem.name = vscode.l10n.t('Image Trust');
    this.languageItem.command = { command: STATUS_ACTIONS_COMMAND, title: vscode.l10n.t('Actions…') };
    this.render(presentStarting(vscode.l10n.t));
    this.item.show();
  }

  showStatus(status: StatusParams): void {
    this.render(presentStatus(status, vscode.l10n.t));
  }

  showStarting(): void {
    this.render(presentStarting(vscode.l10n.t));
  }

  showStopped(reason?: string): void {
    this.render(presentStopped(reason, vscode.l10n.t));
  }

  dispose(): void {
    this.item.dispose();
    this.languageItem.dispose();
  }

  private render(presentation: StatusPresentation): void {
    const tooltip = new vscode.MarkdownString(presentation.tooltip, true);
    tooltip.isTrusted = {
      enabledCommands: [...STATUS_ACTIONS.map((a) => a.command), 'imageTrust.restartServer'],
    };
    this.item.text = presentation.text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      presentation.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : presentation.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.languageItem.text = `Image Trust: ${presentation.summary}`;
    this.languageItem.detail = undefined;
    this.languageItem.busy = presentation.busy;
    this.languageItem.severity =
      presentation.tone === 'error'
        ? vscode.LanguageStatusSeverity.Error
        : presentation.tone === 'warning'
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
    this.languageItem.accessibilityInformation = { label: `Image Trust: ${presentation.summary}` };
  }
}

/** The actions of the status items as a quick pick (a language status item runs one command). */
export async function pickStatusAction(): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    STATUS_ACTIONS.map((a) => ({ label: vscode.l10n.t(a.label), command: a.command })),
    { title: vscode.l10n.t('Image Trust'), placeHolder: vscode.l10n.t('Choose an action') },
  );
  if (picked) await vscode.commands.executeCommand(picked.command);
}
