import { join } from 'path';
import { forbiddenImports, layerCycles, libImports } from './import-rules';

const EDGES = libImports(join(__dirname, '..', '..', 'lib'));

describe('dependencies of lib/ point one way', () => {
  test('the scan sees the imports (a broken scan would pass every rule)', () => {
    expect(EDGES.length).toBeGreaterThan(300);
    expect(EDGES).toContainEqual({ from: 'audit/audit.ts', to: 'practices/catalogue' });
  });

  test('no import breaks a layer rule', () => {
    expect(forbiddenImports(EDGES)).toEqual([]);
  });

  test('no cycle between lib folders', () => {
    expect(layerCycles(EDGES)).toEqual([]);
  });
});

describe('the rules themselves', () => {
  test('fails when the catalogue imports a construct', () => {
    expect(forbiddenImports([{ from: 'practices/checks/workload/util.ts', to: 'workload/secure-deployment' }]))
      .toEqual(['practices/checks/workload/util.ts -> workload/secure-deployment (practices may import only units, errors)']);
  });

  test('fails when the engine imports the CLI or a construct', () => {
    expect(forbiddenImports([
      { from: 'audit/report.ts', to: 'cli/io' },
      { from: 'audit/audit.ts', to: 'namespace/locked-namespace' },
    ])).toEqual([
      'audit/report.ts -> cli/io (audit may import only practices, units, yaml, errors)',
      'audit/audit.ts -> namespace/locked-namespace (audit may import only practices, units, yaml, errors)',
    ]);
  });

  test('fails when a construct imports the CLI, or anything imports the index', () => {
    expect(forbiddenImports([
      { from: 'secrets/encrypted-secret.ts', to: 'cli/decrypt-command' },
      { from: 'rbac/grants.ts', to: 'index' },
    ])).toEqual([
      'secrets/encrypted-secret.ts -> cli/decrypt-command (only the terminal knows the CLI)',
      'rbac/grants.ts -> index (lib/index.ts only re-exports; import the module itself)',
    ]);
  });

  test('fails when pure helpers import anything of lib/', () => {
    expect(forbiddenImports([{ from: 'units/cron.ts', to: 'errors' }])).toEqual(['units/cron.ts -> errors (units may import only nothing of lib/)']);
  });

  test('finds a cycle between folders, however long', () => {
    expect(layerCycles([
      { from: 'backup/plan.ts', to: 'cluster/meta' },
      { from: 'cluster/meta.ts', to: 'namespace/ns' },
      { from: 'namespace/ns.ts', to: 'backup/plan' },
      { from: 'namespace/ns.ts', to: 'errors' },
    ])).toEqual([['backup', 'cluster', 'namespace']]);
  });

  test('a file importing its own folder is no cycle', () => {
    expect(layerCycles([{ from: 'backup/a.ts', to: 'backup/b' }, { from: 'backup/b.ts', to: 'backup/a' }])).toEqual([]);
  });
});
