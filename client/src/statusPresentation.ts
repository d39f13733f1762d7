// What the status bar item and the language status item say for each state the server reports
// (imageTrust/status). Kept free of the vscode module so it can be tested with plain node.
import type { StatusParams } from '../../protocol/messages';
import { english, type Translate } from './translate';

export type StatusTone = 'normal' | 'warning' | 'error';

export interface StatusPresentation {
  /** The status bar item's text, with codicons. */
  text: string;
  /** Short words for the language status item ("Registries: not asked yet"). */
  summary: string;
  /** Markdown: the state, then links that run the actions. */
  tooltip: string;
  tone: StatusTone;
  busy: boolean;
}

/** The commands the status items offer; every one is contributed in package.json. */
export const STATUS_ACTIONS = [
  { command: 'imageTrust.refresh', label: 'Refresh' },
  { command: 'imageTrust.toggleOffline', label: 'Toggle Offline' },
  { command: 'imageTrust.openSettings', label: 'Open Settings' },
  { command: 'imageTrust.showLog', label: 'Show Log' },
] as const;

function actionLinks(t: Translate): string {
  return STATUS_ACTIONS.map((a) => `[${t(a.label)}](command:${a.command})`).join(' · ');
}

function withActions(body: string, t: Translate): string {
  return `${body}\n\n---\n\n${actionLinks(t)}`;
}

/** Server text is plain; these characters would be read as Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

export function presentStatus(status: StatusParams, t: Translate = english): StatusPresentation {
  const rate = status.rateLimit ? ` Hub ${status.rateLimit.remaining}/${status.rateLimit.limit}` : '';
  // An exhausted Hub quota means tag and publisher lookups stop answering until the window resets.
  const rateExhausted = status.rateLimit !== undefined && status.rateLimit.remaining <= 0;
  const rateLine = status.rateLimit
    ? `\n\n${t('Docker Hub pulls left: {0} of {1}.', status.rateLimit.remaining, status.rateLimit.limit)}`
    : '';
  switch (status.state) {
    case 'offline':
      return {
        text: '$(cloud-offline) Image Trust',
        summary: t('Offline'),
        tooltip: withActions(`**${t('Image Trust: offline')}**\n\n${escapeMarkdown(status.tooltip)}`, t),
        tone: 'normal',
        busy: false,
      };
    case 'degraded': {
      const [first, ...others] = status.unreachable.map((u) => u.registry);
      const where = first ? `: ${first}${others.length ? ` +${others.length}` : ''}` : '';
      const list = status.unreachable.map((u) => `- ${escapeMarkdown(u.registry)}: ${escapeMarkdown(u.message)}`);
      return {
        text: `$(warning) Image Trust${where}${rate}`,
        summary: t('{0} unreachable', status.unreachable.map((u) => u.registry).join(', ')),
        tooltip: withActions(
          `**${t('Image Trust: some registries do not answer')}**\n\n${list.join('\n')}\n\n${t(
            'Rules that need no network still run; network findings are paused for these registries.',
          )}${rateLine}`,
          t,
        ),
        tone: 'warning',
        busy: false,
      };
    }
    case 'online':
    default:
      // Until a registry or Docker Hub has answered, nothing is known about the network.
      if (status.asked !== true) {
        return {
          text: '$(shield) Image Trust',
          summary: t('Registries not asked yet'),
          tooltip: withActions(
            `**${t('Image Trust: registries not asked yet')}**\n\n${t(
              'Lookups start when a Dockerfile, compose file or other checked file is opened.',
            )}`,
            t,
          ),
          tone: 'normal',
          busy: false,
        };
      }
      return {
        text: `$(shield) Image Trust${rate}`,
        summary: status.rateLimit
          ? t('Online · Hub {0}/{1}', status.rateLimit.remaining, status.rateLimit.limit)
          : t('Online'),
        tooltip: withActions(`**${t('Image Trust: online')}**\n\n${escapeMarkdown(status.tooltip)}${rateLine}`, t),
        tone: rateExhausted ? 'warning' : 'normal',
        busy: false,
      };
  }
}

export function presentStarting(t: Translate = english): StatusPresentation {
  return {
    text: '$(sync~spin) Image Trust',
    summary: t('Starting'),
    tooltip: withActions(`**${t('The image-trust language server is starting.')}**`, t),
    tone: 'normal',
    busy: true,
  };
}

export function presentStopped(reason?: string, t: Translate = english): StatusPresentation {
  return {
    text: '$(error) Image Trust',
    summary: t('Not running'),
    tooltip: `**${
      reason
        ? t('The image-trust language server is not running: {0}', escapeMarkdown(reason))
        : t('The image-trust language server is not running.')
    }**\n\n[${t('Restart Server')}](command:imageTrust.restartServer) · [${t('Show Log')}](command:imageTrust.showLog)`,
    tone: 'error',
    busy: false,
  };
}
