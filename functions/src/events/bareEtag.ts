/**
 * An ETag without the quotes S3 puts around it in headers, as notifications and summaries carry it.
 *
 * @example bareEtag('"9b2cf535f27731c974343645a3985328"') // '9b2cf535f27731c974343645a3985328'
 */
export function bareEtag(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
