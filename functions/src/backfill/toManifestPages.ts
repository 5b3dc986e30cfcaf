import { batch } from '../stream/batch.js';
import { itemId } from './backfillKeys.js';
import type { BackfillItem, BackfillObject, BackfillPlanSettings } from './types.js';

/** Options of {@link toManifestPages}. */
export interface ToManifestPagesOptions {
  settings: BackfillPlanSettings;
  backfillId: string;
  /** The source bucket, carried by every item. */
  bucket: string;
}

/**
 * Stage: objects → manifest pages. Cuts the objects, in order, into items of at most
 * `maxItemKeys` objects and `maxItemBytes` bytes (an object larger than that alone in its item),
 * and the items into pages of at most `itemsPerPage`. Item ids are `<page>-<index>`. Holds at most
 * one page (`itemsPerPage` × `maxItemKeys` objects); an empty input yields no page.
 *
 * @example for await (const page of toManifestPages(objects, { settings, backfillId, bucket })) await putJson(s3, b, k, page);
 */
export async function* toManifestPages(objects: AsyncIterable<BackfillObject> | Iterable<BackfillObject>, options: ToManifestPagesOptions): AsyncGenerator<BackfillItem[]> {
  const { settings, backfillId, bucket } = options;
  const groups = batch(objects, { maxItems: settings.maxItemKeys, maxBytes: settings.maxItemBytes, sizeOf: (o) => o.size });
  let pageNumber = 0;
  let page: BackfillItem[] = [];
  for await (const group of groups) {
    page.push({ id: itemId(pageNumber, page.length), backfillId, bucket, objects: group, bytes: group.reduce((n, o) => n + o.size, 0) });
    if (page.length >= settings.itemsPerPage) {
      yield page;
      page = [];
      pageNumber++;
    }
  }
  if (page.length > 0) yield page;
}
