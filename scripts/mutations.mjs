// Deliberate breakages of the behaviours image-trust must never lose, for `npm run mutate`
// (scripts/mutate.mjs). Each one is applied to a temporary copy of the repository, then only the
// test files named here run: the mutation is "caught" when at least one of them fails.
// `edits` are exact text replacements; each `from` must occur exactly once in its file, so a
// mutation that no longer applies (the code moved) is reported as such instead of passing quietly.
// `build: true` when the tests run the bundled server or CLI (dist/), which is rebuilt then.

export const MUTATIONS = [
  {
    id: 'credentials-to-image-registry',
    behaviour: 'credentials are looked up by the host that answers, not by the registry the image names',
    file: 'server/src/registry/httpRegistryClient.ts',
    edits: [
      { from: 'await this.credentials.lookup(endpoint.host)', to: 'await this.credentials.lookup(repo.registry)' },
    ],
    tests: ['test/registry/credentials.test.ts', 'test/registry/auth.test.ts', 'test/reliability/nothingLetIn.test.ts'],
    build: true,
  },
  {
    id: 'password-to-plain-http-realm',
    behaviour: 'a token realm over plain http on a non-loopback host gets no password',
    file: 'server/src/registry/httpRegistryClient.ts',
    edits: [
      {
        from: "credentials && (realm.protocol === 'https:' || isLoopbackHost(realm.host)) ? credentials : undefined",
        to: 'credentials',
      },
    ],
    tests: ['test/registry/auth.test.ts', 'test/reliability/nothingLetIn.test.ts'],
    build: true,
  },
  {
    id: 'credentials-to-foreign-realm',
    behaviour: 'a token realm on another host (not the same registrable domain, not allowed) gets no credentials',
    file: 'server/src/registry/httpRegistryClient.ts',
    edits: [{ from: 'if (!scope.send) {', to: 'if (!scope.send && false) {' }],
    tests: ['test/registry/auth.test.ts'],
  },
  {
    id: 'tag-list-uncapped',
    behaviour: 'tag lists are capped across pages (tags and bytes) and a cut list says so',
    file: 'server/src/registry/pagination.ts',
    edits: [{ from: 'if (items.length >= limits.maxItems)', to: 'if (items.length >= limits.maxItems && false)' }],
    tests: ['test/registry/caps.test.ts'],
  },
  {
    id: 'no-overall-deadline',
    behaviour: 'every request has an overall deadline, not only an idle timeout (a slow drip ends)',
    file: 'server/src/net/httpClient.ts',
    edits: [
      {
        from: 'const timer = setTimeout(() => combined.abort(new DeadlinePassed(deadlineMs)), deadlineMs);',
        to: 'const timer = setTimeout(() => undefined, deadlineMs);',
      },
    ],
    tests: ['test/net'],
  },
  {
    id: 'plain-http-anywhere',
    behaviour: 'plain http only to loopback or to hosts the user marked insecure',
    file: 'server/src/net/plainHttp.ts',
    edits: [{ from: 'if (isLoopbackHost(host)) return true;', to: 'return true;' }],
    tests: ['test/registry/endpoints.test.ts', 'test/reliability/nothingLetIn.test.ts'],
    build: true,
  },
  {
    id: 'no-size-cap',
    behaviour: 'every response body is size-capped',
    file: 'server/src/net/httpClient.ts',
    edits: [{ from: 'if (total > maxBytes) {', to: 'if (total > maxBytes && maxBytes < 0) {' }],
    tests: [
      'test/net',
      'test/registry/caps.test.ts',
      'test/registry/faults.test.ts',
      'test/hub',
      'test/services/eolRefresh.test.ts',
    ],
  },
  {
    id: 'machine-settings-from-workspace',
    behaviour: 'settings that redirect requests come from the machine, never from initializationOptions.settings',
    file: 'server/src/lsp/server.ts',
    edits: [
      {
        from: 'this.machine = readMachineSettings(options.machineSettings);',
        to: 'this.machine = readMachineSettings({ ...(options.machineSettings as object), ...(options.settings as object) });',
      },
    ],
    tests: ['test/reliability/nothingLetIn.test.ts', 'test/lsp'],
    build: true,
  },
  {
    id: 'write-in-place',
    behaviour: 'files are rewritten atomically (a new file renamed over the old one)',
    file: 'server/src/services/atomicWrite.ts',
    edits: [
      { from: '  renameSync,\n', to: '  renameSync,\n  copyFileSync,\n' },
      { from: 'renameSync(temp, path);', to: 'copyFileSync(temp, path);\n    unlinkSync(temp);' },
    ],
    tests: ['test/services/atomicWrite.test.ts'],
  },
  {
    id: 'mode-not-kept',
    behaviour: 'a rewritten file keeps its mode',
    file: 'server/src/services/atomicWrite.ts',
    edits: [{ from: 'chmodSync(temp, mode);', to: '' }],
    tests: ['test/services/atomicWrite.test.ts'],
  },
  {
    id: 'overwrite-concurrent-edit',
    behaviour: 'a file changed since it was read is not overwritten',
    file: 'server/src/services/atomicWrite.ts',
    edits: [{ from: 'if (!current.equals(expectedCurrent)) {', to: 'if (current.length < 0) {' }],
    tests: ['test/services/atomicWrite.test.ts'],
  },
  {
    id: 'pin-lands-on-changed-document',
    behaviour: '"pin files" does not send an edit planned on text the user has changed since',
    file: 'server/src/lsp/server.ts',
    edits: [
      {
        from: 'if (open && this.documents.get(uri)?.version !== plannedVersion) {',
        to: 'if (open && this.documents.get(uri)?.version !== plannedVersion && plannedVersion < 0) {',
      },
    ],
    tests: ['test/reliability/nothingLost.test.ts'],
    build: true,
  },
  {
    id: 'suppression-ignored',
    behaviour: '`# image-trust-ignore=rule` silences the rule for the next instruction',
    file: 'server/src/core/suppression.ts',
    edits: [{ from: 'if (m) for (const id of', to: 'if (m && line < 0) for (const id of' }],
    tests: ['test/core'],
  },
  {
    id: 'digest-not-verified',
    behaviour: 'a manifest or blob is trusted only if its bytes hash to the digest',
    file: 'server/src/registry/digests.ts',
    edits: [
      {
        from: 'return algorithm !== undefined && digestOf(bytes, algorithm) === digest;',
        to: 'return algorithm !== undefined || digestOf(bytes, algorithm ?? "sha256") === digest;',
      },
    ],
    tests: ['test/registry/client.test.ts', 'test/reliability/faults.test.ts'],
    build: true,
  },
  {
    id: 'signature-for-another-digest',
    behaviour: 'a cosign signature vouches only for the digest its payload names',
    file: 'server/src/signatures/verify.ts',
    edits: [
      {
        from: 'if (signedDigest === undefined || signedDigest !== digest) {',
        to: 'if (signedDigest === undefined) {',
      },
    ],
    tests: ['test/signatures'],
  },
  {
    id: 'offline-pass-waits-for-network',
    behaviour: 'the rules that need no network are published at once, before the network pass',
    file: 'server/src/lsp/server.ts',
    edits: [
      {
        from: '    this.publish(document.uri, state);\n    if (!this.network.settings.offline && analysis.references.some((r) => r.reference)) {\n      state.networkTimer = setTimeout(() => void this.networkPass(document.uri, state), NETWORK_DEBOUNCE_MS);\n    }',
        to: '    if (!this.network.settings.offline && analysis.references.some((r) => r.reference)) {\n      state.networkTimer = setTimeout(() => void this.networkPass(document.uri, state), NETWORK_DEBOUNCE_MS);\n    } else this.publish(document.uri, state);',
      },
      {
        from: '    this.publish(uri, state);\n    this.sendStatus();',
        to: '    this.publish(uri, state);\n    this.publish(uri, state);\n    this.sendStatus();',
      },
    ],
    tests: ['test/reliability/faults.test.ts'],
    build: true,
  },
];
