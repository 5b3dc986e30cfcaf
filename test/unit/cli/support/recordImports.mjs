// `node --import ./recordImports.mjs …`: appends every module URL the process resolves to the file
// named by LOGSIEVE_RECORD_IMPORTS, one a line (module hooks run off the main thread, hence a file).
import { register } from 'node:module';

register('./recordImportsHooks.mjs', import.meta.url);
