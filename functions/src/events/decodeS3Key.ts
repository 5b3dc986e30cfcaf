/**
 * Decodes an object key as S3 notifications carry it: form-URL-encoded, `+` for a space and
 * `%XX` for UTF-8 bytes (`red+flower%C3%A9.log` → `red floweré.log`).
 *
 * @example decodeS3Key('logs/2026/app+1%2B1.log') // 'logs/2026/app 1+1.log'
 */
export function decodeS3Key(encoded: string): string {
  const spaced = encoded.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A lone '%' not followed by two hex digits is not an escape: keep the key as written.
    return spaced;
  }
}
