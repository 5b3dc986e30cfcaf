import { ParseOptionsError } from '../errors.js';
import { LOG_FORMATS } from '../constants.js';
import type { LineParser, LineParserOptions, LogFormat } from '../types.js';
import { createAccessLogParser } from './createAccessLogParser.js';
import { createAlbParser } from './createAlbParser.js';
import { createCloudFrontParser } from './createCloudFrontParser.js';
import { createJsonParser } from './createJsonParser.js';
import { createLogfmtParser } from './createLogfmtParser.js';
import { createS3AccessParser } from './createS3AccessParser.js';
import { createSyslogParser } from './createSyslogParser.js';
import { createTextParser } from './createTextParser.js';
import { createVpcFlowParser } from './createVpcFlowParser.js';

/**
 * A fresh parser (parsers keep per-object state such as the `#Fields` order) for a format.
 * `cloudtrail` here means one event per line; whole `{"Records":[…]}` documents go through
 * `cloudTrailRecords` instead. `referenceTime` dates year-less stamps (text and syslog).
 *
 * @example createLineParser('alb').scan(line) // 50 for an elb_status_code 502
 */
export function createLineParser(format: LogFormat, options: LineParserOptions = {}): LineParser {
  switch (format) {
    case 'json':
    case 'waf':
    case 'cloudtrail':
      return createJsonParser(format);
    case 'logfmt':
      return createLogfmtParser();
    case 'syslog':
      return createSyslogParser(options);
    case 'text':
    case 'unknown':
      return createTextParser(format, options);
    case 'access':
      return createAccessLogParser();
    case 'alb':
    case 'elb':
      return createAlbParser(format);
    case 'cloudfront':
      return createCloudFrontParser();
    case 's3-access':
      return createS3AccessParser();
    case 'vpc-flow':
      return createVpcFlowParser();
    case 'cloudwatch-logs':
      throw new ParseOptionsError('format', 'a line format (CloudWatch Logs envelopes go through cloudWatchLogsEvents, then records)', format);
    default:
      throw new ParseOptionsError('format', `one of ${LOG_FORMATS.join(', ')}`, format);
  }
}
