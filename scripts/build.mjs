// Bundles the three entry points of the contract into dist/ with esbuild, and writes the policy
// file's JSON Schema (schemas/) from the policy loader's key definitions.
//   --watch       rebuild on change (development)
//   --production  minified, with source maps beside the bundles but no sourceMappingURL comment:
//                 the .vsix ships no .map files, so a comment would point at nothing
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? 'external' : 'linked',
  logLevel: 'warning',
  minify: production,
  minifySyntax: true,
  // Minified names would change what error messages and logs show of our classes.
  keepNames: true,
  define: { IMAGE_TRUST_VERSION: JSON.stringify(version) },
  // jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow; its ESM build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};
const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

function writePolicySchema() {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate-policy-schema.ts'], {
    cwd: new URL('..', import.meta.url),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('could not write the policy schema');
}

// The watch task's problem matcher in .vscode/tasks.json waits for these two lines.
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) =>
      console.log(`[watch] build finished${result.errors.length ? ` with ${result.errors.length} errors` : ''}`),
    );
  },
};
writePolicySchema();
if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context({ ...common, ...b, plugins: [watchMarkers] });
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
}
