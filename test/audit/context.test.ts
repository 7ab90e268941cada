import { createAuditContext } from '../../lib/audit/audit';
import { Manifest } from '../../lib/practices/manifest';

const objects: Manifest[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's1', namespace: 'a' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1', namespace: 'b' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's2', namespace: 'b' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd2', namespace: 'a' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2', namespace: 'default' } },
];
const names = (list: readonly Manifest[]) => list.map((o) => o.metadata!.name);

describe('the audit context (the object set indexed once)', () => {
  const ctx = createAuditContext(objects);

  test('gives the objects of one kind or several kinds in input order, whatever order the kinds are named in', () => {
    expect(names(ctx.ofKind('Service'))).toEqual(['s1', 's2']);
    expect(names(ctx.ofKind('Pod', 'Service', 'Deployment'))).toEqual(['s1', 'd1', 'p1', 's2', 'd2', 'p2']);
    expect(names(ctx.ofKind('Deployment', 'Pod'))).toEqual(['d1', 'p1', 'd2', 'p2']);
    expect(ctx.ofKind('Secret', 'ConfigMap')).toEqual([]);
  });

  test('answers a repeated look-up of several kinds from its index, with the same list', () => {
    expect(ctx.ofKind('Deployment', 'Pod')).toBe(ctx.ofKind('Deployment', 'Pod'));
    expect(ctx.inNamespace('a', 'Deployment', 'Service')).toBe(ctx.inNamespace('a', 'Deployment', 'Service'));
  });

  test('gives the objects of a namespace (default for those naming none) in input order, cluster-scoped ones never', () => {
    expect(names(ctx.inNamespace('a', 'Deployment', 'Service', 'Namespace'))).toEqual(['s1', 'd2']);
    expect(names(ctx.inNamespace('default', 'Pod'))).toEqual(['p1', 'p2']);
    expect(names(ctx.inNamespace('b', 'Service'))).toEqual(['s2']);
    expect(ctx.inNamespace('c', 'Service', 'Pod')).toEqual([]);
  });
});
