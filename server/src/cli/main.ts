// Entry point of dist/cli.js, the `image-trust` command.
import { parseArgs, USAGE } from './args';
import { CliError } from '../workspace/files';
import { runCli } from './run';

import { PRODUCT_VERSION as VERSION } from '../net/productVersion';

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return argv.length === 0 ? 2 : 0;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'error':
      process.stderr.write(`image-trust: ${parsed.message}\n`);
      return 2;
  }
  try {
    return await runCli(parsed.options, {
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
      isTty: !!process.stdout.isTTY,
      env: process.env,
      version: VERSION,
    });
  } catch (error) {
    const message = error instanceof CliError ? error.message : `unexpected error: ${(error as Error)?.stack ?? error}`;
    process.stderr.write(`image-trust: ${message}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // No process.exit: the network is disposed (every connection closed, every timer unref'd), so
    // the process ends by itself once stdout has drained and piped JSON is never cut short.
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`image-trust: ${error}\n`);
    process.exitCode = 2;
  },
);
