import assert from 'node:assert/strict';
import { test } from 'node:test';
import { presentStarting, presentStatus, presentStopped } from '../../client/src/statusPresentation';

test('online shows the shield and the Docker Hub quota left', () => {
  const p = presentStatus({
    state: 'online',
    text: 'Image Trust',
    tooltip: 'Online.',
    unreachable: [],
    rateLimit: { limit: 100, remaining: 76, windowSeconds: 21600 },
  });
  assert.equal(p.text, '$(shield) Image Trust Hub 76/100');
  assert.equal(p.tone, 'normal');
  assert.match(p.tooltip, /^Online\.\n\nClick to show the Image Trust log\.$/);
});

test('an exhausted Hub quota is a warning', () => {
  const p = presentStatus({
    state: 'online',
    text: '',
    tooltip: '',
    unreachable: [],
    rateLimit: { limit: 100, remaining: 0 },
  });
  assert.equal(p.text, '$(shield) Image Trust Hub 0/100');
  assert.equal(p.tone, 'warning');
});

test('offline shows the cloud-offline icon', () => {
  const p = presentStatus({
    state: 'offline',
    text: 'Image Trust: offline',
    tooltip: 'Registry lookups are off: offline mode is on.',
    unreachable: [],
  });
  assert.equal(p.text, '$(cloud-offline) Image Trust');
  assert.match(p.tooltip, /offline mode is on/);
});

test('degraded names the unreachable registry and counts the others', () => {
  const one = presentStatus({
    state: 'degraded',
    text: '',
    tooltip: 'Could not reach ghcr.io',
    unreachable: [{ registry: 'ghcr.io', message: 'connection refused' }],
  });
  assert.equal(one.text, '$(warning) Image Trust: ghcr.io');
  assert.equal(one.tone, 'warning');
  const three = presentStatus({
    state: 'degraded',
    text: '',
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

test('nothing asked yet: no online claim, no warning', () => {
  const shown = presentStatus({ state: 'unknown', text: '', tooltip: 'Registries not asked yet', unreachable: [] });
  assert.equal(shown.text, '$(shield) Image Trust');
  assert.equal(shown.tone, 'normal');
  assert.match(shown.tooltip, /not asked yet/);
});

test('starting and stopped', () => {
  assert.equal(presentStarting().text, '$(sync~spin) Image Trust');
  const stopped = presentStopped('the server crashed 5 times');
  assert.equal(stopped.tone, 'error');
  assert.match(stopped.tooltip, /not running: the server crashed 5 times/);
  assert.match(stopped.tooltip, /Restart server/);
});
