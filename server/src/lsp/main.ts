// Entry point of dist/server.js: `node dist/server.js --stdio` (any LSP editor) or started by the
// VS Code client over IPC. createConnection reads the transport from the command line.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ImageTrustServer } from './server';

const connection = createConnection(ProposedFeatures.all);
// Nothing may crash the server: report and keep serving.
process.on('unhandledRejection', (reason) =>
  connection.console.error(`image-trust: unhandled rejection: ${(reason as Error)?.stack ?? reason}`),
);
process.on('uncaughtException', (error) =>
  connection.console.error(`image-trust: uncaught exception: ${error.stack ?? error}`),
);
new ImageTrustServer(connection).listen();
