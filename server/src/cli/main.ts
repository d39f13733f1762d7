// Entry point of dist/cli.js, the `image-trust` command.
import { parseArgs, USAGE } from './args';
import { CliError } from './files';
import { runCli } from './run';

declare const IMAGE_TRUST_VERSION: string | undefined;
const VERSION = typeof IMAGE_TRUST_VERSION === 'string' ? IMAGE_TRUST_VERSION : '0.0.0-dev';

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
    // Exit once stdout has drained, so piped JSON is never cut short and no idle socket keeps
    // the process alive.
    process.stdout.write('', () => process.exit(code));
  },
  (error) => {
    process.stderr.write(`image-trust: ${error}\n`);
    process.exitCode = 2;
  },
);
