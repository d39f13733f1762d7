// imageTrust/status: registry health and the Docker Hub quota, sent when they change. Until a
// registry was asked, nothing is known about them, and the status says so.
import type { Connection } from 'vscode-languageserver';
import type { StatusParams } from '../../../../protocol/messages';
import { StatusNotification } from '../protocol';
import type { SettingsState } from '../settingsState';

type StatusConnection = Pick<Connection, 'sendNotification'>;

export class StatusReporter {
  private last = '';
  /** Whether any lookup finished on the current network; before that nothing is known. */
  private asked = false;

  constructor(
    private readonly connection: StatusConnection,
    private readonly settings: SettingsState,
  ) {
    settings.onNetworkRebuilt((network) => {
      this.asked = false;
      network.onHealthChange(() => this.send());
      this.send(true);
    });
  }

  /** A network pass or request finished: the registries' health is now known. */
  lookupsDone(): void {
    this.asked = true;
    this.send();
  }

  /** Sends the status if it changed since the last one sent (always when `force`). */
  send(force = false): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (!force && key === this.last) return;
    this.last = key;
    void this.connection.sendNotification(StatusNotification, status);
  }

  status(): StatusParams {
    const network = this.settings.network;
    if (network.settings.offline) {
      const why = this.settings.workspaceTrusted
        ? 'offline mode is on (imageTrust.offline)'
        : 'this workspace is not trusted (Restricted Mode)';
      return {
        state: 'offline',
        tooltip: `Registry lookups are off: ${why}. Rules that need no network still run.`,
        unreachable: [],
      };
    }
    const health = network.health();
    const rate = health.dockerHubRateLimit;
    const rateLimit = rate
      ? { limit: rate.limit, remaining: rate.remaining, windowSeconds: rate.windowSeconds }
      : undefined;
    if (health.unreachable.length) {
      return {
        state: 'degraded',
        tooltip: `Could not reach:\n${health.unreachable.map((u) => `• ${u.registry}: ${u.message}`).join('\n')}\nRules that need no network still run; network findings are paused for these registries.`,
        unreachable: health.unreachable,
        rateLimit,
        asked: true,
      };
    }
    return {
      state: 'online',
      tooltip: rate
        ? `Online. Docker Hub pull rate limit: ${rate.remaining} of ${rate.limit} left${rate.windowSeconds ? ` per ${Math.round(rate.windowSeconds / 3600)} h` : ''}.`
        : 'Online: registries answer.',
      unreachable: [],
      rateLimit,
      asked: this.asked || !!rate,
    };
  }
}
