import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { AuditPolicy } from '../../lib/cluster/audit-policy';
import { API_SERVER_FLAGS_FILE, renderControlPlaneFiles, writeControlPlaneFiles } from '../../lib/cluster/control-plane-file';
import { EncryptionConfiguration } from '../../lib/cluster/encryption-configuration';

describe('control-plane files', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-files-'));
  const app = new App({ outdir: path.join(outdir, 'dist') });
  const chart = new Chart(app, 'baseline');
  new EncryptionConfiguration(chart, 'enc', { kmsProviders: [{ name: 'aws-kms-prod', endpoint: 'unix:///var/run/kmsplugin/socket.sock' }] });
  new AuditPolicy(chart, 'audit');
  app.synth();
  const written = writeControlPlaneFiles(app, path.join(outdir, 'control-plane'));

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('never land in the synthesized chart YAML', () => {
    expect(fs.readFileSync(path.join(outdir, 'dist', 'baseline.k8s.yaml'), 'utf8')).toBe('');
  });

  test('are written to their own folder, readable by their owner only', () => {
    expect(written.map((f) => path.basename(f)).sort()).toEqual(['audit-policy.yaml', 'encryption-configuration.yaml', API_SERVER_FLAGS_FILE]);
    for (const f of written) expect((fs.statSync(f).mode % 0o1000).toString(8)).toBe('600');
  });

  test('the files parse back to the constructs\' content and the flags list every file', () => {
    const files = renderControlPlaneFiles(app);
    expect(parse(fs.readFileSync(path.join(outdir, 'control-plane', 'encryption-configuration.yaml'), 'utf8')).kind).toBe('EncryptionConfiguration');
    expect(files[API_SERVER_FLAGS_FILE].split('\n').filter((l) => l.startsWith('--encryption-provider-config=') || l.startsWith('--audit-policy-file='))).toHaveLength(2);
  });

  test('rendering is deterministic', () => {
    expect(renderControlPlaneFiles(app)).toEqual(renderControlPlaneFiles(app));
  });
});
