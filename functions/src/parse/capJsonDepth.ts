import type { ParsedTokenInfo } from '@streamparser/json';

// TokenType values of @streamparser/json (a const enum in its typings).
const LEFT_BRACE = 0;
const RIGHT_BRACE = 1;
const LEFT_BRACKET = 2;
const RIGHT_BRACKET = 3;
const NULL = 8;

/**
 * A token handler that passes tokens on to `forward` while they nest at most `max` levels; a value
 * that would open level `max + 1` is read past (linear time, a counter) and `forward` gets one
 * `null` token in its place, so the token parser's stack and the values it builds stay `max` deep.
 * `tooDeep` is told the offset of each value replaced.
 *
 * @example tokenizer.onToken = capJsonDepth(512, (info) => tokenParser.write(info), (offset) => stats.deep++);
 */
export function capJsonDepth(max: number, forward: (info: ParsedTokenInfo) => void, tooDeep: (offset: number) => void): (info: ParsedTokenInfo) => void {
  let depth = 0;
  let skipping = 0;
  return (info) => {
    const token = info.token as number;
    const opens = token === LEFT_BRACE || token === LEFT_BRACKET;
    const closes = token === RIGHT_BRACE || token === RIGHT_BRACKET;
    if (skipping > 0) {
      if (opens) skipping++;
      else if (closes && --skipping === 0) forward({ token: NULL, value: null, offset: info.offset } as unknown as ParsedTokenInfo);
      return;
    }
    if (opens) {
      if (depth >= max) {
        skipping = 1;
        tooDeep(info.offset);
        return;
      }
      depth++;
    } else if (closes) depth--;
    forward(info);
  };
}
