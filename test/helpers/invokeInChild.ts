// Runs the Lambda entry in a process of its own, so its peak RSS is the handler's alone.
// Input: the event as JSON on stdin; environment as for the function. Output: one JSON line.
import { handler } from '../../functions/handlers/processLog.js';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const response = await handler(JSON.parse(input) as unknown, { awsRequestId: 'child', functionName: 'logsieve-child' } as never);
process.stdout.write(`${JSON.stringify({ response, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
