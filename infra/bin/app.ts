#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { LogsieveStack } from '../lib/LogsieveStack.js';

// Builds the app only. Settings: `logsieve:*` keys in cdk.json or `-c logsieve:<key>=<value>`.
// Account and region come from the CLI's profile at deploy time; synth needs no credentials.
const app = new App();
new LogsieveStack(app, app.node.tryGetContext('logsieve:stackName') ?? 'Logsieve', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
