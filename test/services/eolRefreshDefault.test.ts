// The end-of-life refresh is on by default (endoflife.date, at most daily per product), and each
// way of turning it off or pointing it elsewhere decides where it goes, in the CLI and the server.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EOL_URL, eolApiUrlFor } from '../../server/src/core/settings';
import { parseArgs } from '../../server/src/cli/args';
import { networkSettings } from '../../server/src/lsp/settings';
import { validateMachineSettings } from '../../protocol/machineSettings';

// The test runner turns the default off for every test (they reach loopback only); these tests
// decide the variable themselves.
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.IMAGE_TRUST_EOL_REFRESH;
  delete process.env.IMAGE_TRUST_EOL_REFRESH;
});
afterEach(() => {
  if (saved === undefined) delete process.env.IMAGE_TRUST_EOL_REFRESH;
  else process.env.IMAGE_TRUST_EOL_REFRESH = saved;
});

test('by default end-of-life data is refreshed from endoflife.date', () => {
  assert.equal(DEFAULT_EOL_URL, 'https://endoflife.date/api');
  assert.equal(eolApiUrlFor(undefined, undefined, {}), DEFAULT_EOL_URL);
  assert.equal(eolApiUrlFor(undefined, true, {}), DEFAULT_EOL_URL);
  assert.equal(eolApiUrlFor(undefined, undefined, { IMAGE_TRUST_EOL_REFRESH: 'on' }), DEFAULT_EOL_URL);
});

test('the refresh is turned off by the setting, the flag or IMAGE_TRUST_EOL_REFRESH; a given URL still applies', () => {
  assert.equal(eolApiUrlFor(undefined, false, {}), undefined);
  for (const off of ['off', 'OFF', '0', 'false', 'no', ' off '])
    assert.equal(eolApiUrlFor(undefined, undefined, { IMAGE_TRUST_EOL_REFRESH: off }), undefined, off);
  assert.equal(
    eolApiUrlFor('http://127.0.0.1:9/api', false, { IMAGE_TRUST_EOL_REFRESH: 'off' }),
    'http://127.0.0.1:9/api',
  );
});

test('the editor: imageTrust.eolRefresh (machine) and imageTrust.eolUrl decide; offline sends nothing anyway', () => {
  const on = networkSettings({}, validateMachineSettings({}), { workspaceTrusted: true });
  assert.equal(on.eolApiUrl, DEFAULT_EOL_URL);
  const off = networkSettings({}, validateMachineSettings({ eolRefresh: false }), { workspaceTrusted: true });
  assert.equal(off.eolApiUrl, undefined);
  const bad = validateMachineSettings({ eolRefresh: 'no' });
  assert.equal(bad.eolRefresh, undefined, 'only a boolean counts');
  const elsewhere = networkSettings({}, validateMachineSettings({ eolUrl: 'http://127.0.0.2:8/api' }), {
    workspaceTrusted: true,
  });
  assert.equal(elsewhere.eolApiUrl, 'http://127.0.0.2:8/api');
});

test('the CLI: --no-eol-refresh and --eol-refresh', () => {
  const off = parseArgs(['lint', '.', '--no-eol-refresh']);
  assert.equal(off.kind === 'run' ? off.options.eolRefresh : off.kind, false);
  const on = parseArgs(['lint', '.', '--eol-refresh']);
  assert.equal(on.kind === 'run' ? on.options.eolRefresh : on.kind, true);
});
