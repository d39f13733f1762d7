// What the status bar item says for each state the server reports (imageTrust/status). Kept free of
// the vscode module so it can be tested with plain node.
import type { StatusParams } from '../../protocol/messages';

export type StatusTone = 'normal' | 'warning' | 'error';

export interface StatusPresentation {
  text: string;
  tooltip: string;
  tone: StatusTone;
}

const CLICK_HINT = 'Click to show the Image Trust log.';

export function presentStatus(status: StatusParams): StatusPresentation {
  const rate = status.rateLimit ? ` Hub ${status.rateLimit.remaining}/${status.rateLimit.limit}` : '';
  // An exhausted Hub quota means tag and publisher lookups stop answering until the window resets.
  const rateExhausted = status.rateLimit !== undefined && status.rateLimit.remaining <= 0;
  const tooltip = `${status.tooltip}\n\n${CLICK_HINT}`;
  switch (status.state) {
    case 'offline':
      return { text: '$(cloud-offline) Image Trust', tooltip, tone: 'normal' };
    case 'unknown':
      return { text: '$(shield) Image Trust', tooltip, tone: 'normal' };
    case 'degraded': {
      const [first, ...others] = status.unreachable.map((u) => u.registry);
      const where = first ? `: ${first}${others.length ? ` +${others.length}` : ''}` : '';
      return { text: `$(warning) Image Trust${where}${rate}`, tooltip, tone: 'warning' };
    }
    case 'online':
    default:
      return { text: `$(shield) Image Trust${rate}`, tooltip, tone: rateExhausted ? 'warning' : 'normal' };
  }
}

export function presentStarting(): StatusPresentation {
  return {
    text: '$(sync~spin) Image Trust',
    tooltip: `The image-trust language server is starting.\n\n${CLICK_HINT}`,
    tone: 'normal',
  };
}

export function presentStopped(reason?: string): StatusPresentation {
  const why = reason ? `: ${reason}` : '.';
  return {
    text: '$(error) Image Trust',
    tooltip: `The image-trust language server is not running${why}\nRun "Image Trust: Restart server" to start it again.\n\n${CLICK_HINT}`,
    tone: 'error',
  };
}
