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
  // Minified names would change what error messages and logs show of our classes. Unminified
  // builds keep their names anyway, and keepNames costs there: it wraps every function expression
  // in a naming call each time it is created (yaml makes closures per scalar it reads).
  keepNames: production,
  define: { IMAGE_TRUST_VERSION: JSON.stringify(version) },
  // jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow; its ESM build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};
// Libraries that only some runs need (Sigstore, TUF, the HTTP client, OSV exports, layers, CVSS
// scores): the sources `require()` them where they are used, and each group is bundled into its own
// dist/lazy/<group>.js, loaded on that first call. Node compiles (and evaluates) only what a run
// loads, so an offline lint or a run from the disk cache does not pay for them at start-up. The
// libraries of one group share one copy of what they import from each other (Sigstore's objects
// pass between its packages; tuf-js's errors are recognised by its own Updater).
const lazyGroups = {
  undici: ['undici'],
  tldts: ['tldts'],
  sigstore: ['@sigstore/bundle', '@sigstore/core', '@sigstore/protobuf-specs', '@sigstore/verify'],
  tuf: ['tuf-js', 'tuf-js/dist/error'],
  yauzl: ['yauzl'],
  'tar-stream': ['tar-stream'],
  cvss: ['ae-cvss-calculator'],
};
const lazyGroupOf = new Map(Object.entries(lazyGroups).flatMap(([group, names]) => names.map((n) => [n, group])));
const lazyFilter = new RegExp(`^(${[...lazyGroupOf.keys()].map((n) => n.replace(/[/.-]/g, '\\$&')).join('|')})$`);
const lazyLibraries = {
  name: 'lazy-libraries',
  setup(build) {
    build.onResolve({ filter: lazyFilter }, (args) => {
      // Dependencies inside node_modules resolve as usual; our own sources must load these lazily.
      if (args.importer.includes('node_modules')) return undefined;
      if (args.kind !== 'require-call')
        return {
          errors: [{ text: `${args.path} is loaded lazily: require() it where it is used (scripts/build.mjs)` }],
        };
      return { path: args.path, namespace: 'lazy-library' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-library' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./lazy/${lazyGroupOf.get(args.path)}.js`)})[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy-library' }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};
const lazyBuilds = Object.entries(lazyGroups).map(([group, names]) => ({
  stdin: {
    contents: `module.exports = {${names.map((n) => `${JSON.stringify(n)}: require(${JSON.stringify(n)})`).join(', ')}};`,
    resolveDir: new URL('..', import.meta.url).pathname,
    sourcefile: `lazy-${group}.js`,
  },
  outfile: `dist/lazy/${group}.js`,
}));
const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
].map((b) => ({ ...b, plugins: [lazyLibraries] }));

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
  for (const b of [...builds, ...lazyBuilds]) {
    const ctx = await esbuild.context({ ...common, ...b, plugins: [...(b.plugins ?? []), watchMarkers] });
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all([...builds, ...lazyBuilds].map((b) => esbuild.build({ ...common, ...b })));
}
