import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.LOGSIEVE_RECORD_IMPORTS) appendFileSync(process.env.LOGSIEVE_RECORD_IMPORTS, `${result.url}\n`);
  return result;
}
