// Entry of the built `logsieve` command (dist/cli/logsieve.mjs, the package's `bin`). Commands load
// their modules, and the AWS SDK with them, only when they run: `--help` and a local `process` do
// not pay for S3 or SQS clients.
import { main } from './main.js';

process.exitCode = await main(process.argv);
