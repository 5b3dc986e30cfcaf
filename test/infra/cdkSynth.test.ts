import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/buildStack.js';

const outdir = mkdtempSync(path.join(tmpdir(), 'logsieve-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth (infra/bin/app.ts through cdk.json)', () => {
  it('synthesizes offline with no AWS settings or credentials in the environment', async () => {
    // Only PATH and a HOME with no ~/.aws: nothing to find credentials, account or region in.
    const home = mkdtempSync(path.join(tmpdir(), 'logsieve-home-'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
    try {
      const cdk = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk');
      const { stdout, stderr } = await promisify(execFile)(cdk, ['synth', '--quiet', '--no-notices', '-o', outdir], { cwd: REPO_ROOT, env, timeout: 150_000 });
      expect(`${stdout}\n${stderr}`).not.toMatch(/\b(Error|credentials)\b/i);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const template = JSON.parse(readFileSync(path.join(outdir, 'Logsieve.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    const types = Object.values(template.Resources).map((r) => r.Type);
    // The processing function and the scheduled rollup writer.
    expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(2);
    expect(types).toContain('AWS::Lambda::EventSourceMapping');
    // No account was looked up (the CLI falls back to us-east-1 for the region when none is configured).
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { environment?: string }> };
    expect(manifest.artifacts.Logsieve?.environment).toMatch(/^aws:\/\/unknown-account\//);
  }, 180_000);
});
