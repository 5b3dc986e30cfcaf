import { createGzip } from 'node:zlib';

import { ERROR_PART, recordsGzipOptions } from '../functions/src/output/constants.js';
import { ndjsonChunks } from '../functions/src/output/ndjsonChunks.js';
import type { RecordsWriter } from '../functions/src/pipeline/analyzeBytes.js';

/**
 * The error-records writer of the Lambda (`writeErrorRecords`) without its upload: records
 * serialised to NDJSON chunks (1 000 records or 1 MiB, `ndjsonChunks`), gzip level 1 on the thread
 * pool with the writer's 4 MiB queued ahead (`gzipWriteAheadBytes`), the compressed bytes counted
 * and dropped. So the analyze cases pay what the handler pays per record.
 */
export const discardingWriter: RecordsWriter = async (found) => {
  const gzip = createGzip(recordsGzipOptions(ERROR_PART.gzipLevel));
  let stored = 0;
  gzip.on('data', (d: Buffer) => (stored += d.length));
  const closed = new Promise<void>((resolve, reject) => gzip.on('end', resolve).on('error', reject));
  let records = 0;
  let bytes = 0;
  for await (const chunk of ndjsonChunks(found, { maxItems: ERROR_PART.batchMaxItems, maxBytes: ERROR_PART.batchMaxBytes })) {
    records += chunk.records;
    bytes += chunk.bytes.byteLength;
    if (!gzip.write(chunk.bytes)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await closed;
  return { key: 'discarded', records, bytes, storedBytes: stored };
};
