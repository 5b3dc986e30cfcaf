// Entry of the built `logsieve` command (dist/cli/logsieve.mjs, the package's `bin`). Commands load
// their modules, and the AWS SDK with them, only when they run: `--help` and a local `process` do
// not pay for S3 or SQS clients.
import { limitHeapGrowth } from '../functions/src/runtime/limitHeapGrowth.js';
import { main } from './main.js';

// One command a process: the heap grows to at most 1.5× what the last full GC kept (limitHeapGrowth).
limitHeapGrowth();

process.exitCode = await main(process.argv);
