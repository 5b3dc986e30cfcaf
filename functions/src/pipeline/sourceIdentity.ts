import { bareEtag } from '../events/bareEtag.js';
import type { S3ObjectSource } from '../stream/types.js';

/** The version an opened object is: its bare ETag and version id, each only when S3 gave one. */
export function sourceIdentity(source: Pick<S3ObjectSource, 'etag' | 'versionId'>): { etag?: string; versionId?: string } {
  return {
    ...(source.etag ? { etag: bareEtag(source.etag) } : {}),
    ...(source.versionId ? { versionId: source.versionId } : {}),
  };
}
