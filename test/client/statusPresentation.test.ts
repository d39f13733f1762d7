import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { presentStarting, presentStatus, presentStopped, STATUS_ACTIONS } from '../../client/src/statusPresentation';

const ACTION_LINKS =
  '[Refresh](command:imageTrust.refresh) · [Toggle Offline](command:imageTrust.toggleOffline) · [Open Settings](command:imageTrust.openSettings) · [Show Log](command:imageTrust.showLog)';

test('before any registry answered it says "not asked yet", not online', () => {
  const p = presentStatus({
    state: 'online',
    tooltip: 'Online: registries answer.',
    unreachable: [],
  });
  assert.equal(p.summary, 'Registries not asked yet');
  assert.doesNotMatch(p.tooltip, /Online/);
  assert.match(p.tooltip, /not asked yet/);
  assert.ok(p.tooltip.endsWith(ACTION_LINKS), p.tooltip);
  const asked = presentStatus({
    state: 'online',
    tooltip: 'Online: registries answer.',
    unreachable: [],
    asked: true,
  });
  assert.equal(asked.summary, 'Online');
});

test('every status action is a contributed command', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  for (const action of STATUS_ACTIONS) assert.ok(contributed.has(action.command), action.command);
});

test('online shows the shield and the Docker Hub quota left', () => {
  const p = presentStatus({
    state: 'online',
    tooltip: 'Online.',
    unreachable: [],
    rateLimit: { limit: 100, remaining: 76, windowSeconds: 21600 },
    asked: true,
  });
  assert.equal(p.text, '$(shield) Image Trust Hub 76/100');
  assert.equal(p.summary, 'Online · Hub 76/100');
  assert.equal(p.tone, 'normal');
  assert.equal(
    p.tooltip,
    `**Image Trust: online**\n\nOnline.\n\nDocker Hub pulls left: 76 of 100.\n\n---\n\n${ACTION_LINKS}`,
  );
});

test('an exhausted Hub quota is a warning', () => {
  const p = presentStatus({
    state: 'online',
    tooltip: '',
    unreachable: [],
    rateLimit: { limit: 100, remaining: 0 },
    asked: true,
  });
  assert.equal(p.text, '$(shield) Image Trust Hub 0/100');
  assert.equal(p.tone, 'warning');
});

test('offline shows the cloud-offline icon', () => {
  const p = presentStatus({
    state: 'offline',
    tooltip: 'Registry lookups are off: offline mode is on.',
    unreachable: [],
  });
  assert.equal(p.text, '$(cloud-offline) Image Trust');
  assert.match(p.tooltip, /offline mode is on/);
});

test('degraded names the unreachable registry and counts the others', () => {
  const one = presentStatus({
    state: 'degraded',
    tooltip: 'Could not reach ghcr.io',
    unreachable: [{ registry: 'ghcr.io', message: 'connection refused' }],
  });
  assert.equal(one.text, '$(warning) Image Trust: ghcr.io');
  assert.match(one.tooltip, /- ghcr\.io: connection refused/);
  assert.equal(one.tone, 'warning');
  const three = presentStatus({
    state: 'degraded',
    tooltip: '',
    unreachable: [
      { registry: 'docker.io', message: 'timeout' },
      { registry: 'ghcr.io', message: 'timeout' },
      { registry: 'quay.io', message: 'timeout' },
    ],
    rateLimit: { limit: 100, remaining: 3 },
  });
  assert.equal(three.text, '$(warning) Image Trust: docker.io +2 Hub 3/100');
});

test('starting and stopped', () => {
  assert.equal(presentStarting().text, '$(sync~spin) Image Trust');
  const stopped = presentStopped('the server crashed 5 times');
  assert.equal(stopped.tone, 'error');
  assert.match(stopped.tooltip, /not running: the server crashed 5 times/);
  assert.match(stopped.tooltip, /\[Restart Server\]\(command:imageTrust\.restartServer\)/);
});
