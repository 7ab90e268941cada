import { createAuditContext } from '../../../../lib/audit/audit';
import { exceptionsWellFormed } from '../../../../lib/practices/checks/audit/exceptions-well-formed';
import { Manifest } from '../../../../lib/practices/manifest';

function run(objects: Manifest[]) {
  return exceptionsWellFormed.evaluate!(createAuditContext(objects)).map((v) => v.message);
}

const cm = (annotations: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations } });
const P = 'exceptions.cdk8s-hardened.io/';

test('one finding per bad annotation, naming the key and why', () => {
  expect(run([cm({
    [`${P}HK-WORKLOAD-009`]: 'legacy CMS writes its cache under /var/www (TICKET-412)',
    [`${P}HK-NOPE-001`]: 'a reason that is long enough',
    [`${P}HK-WORKLOAD-003`]: 'root',
    [`${P}HK-RBAC-008`]: 'public status page needs anonymous read',
    [`${P}HK-CLUSTER-003`]: 'apiserver flags are managed by the provider',
  })])).toEqual([
    `annotation ${P}HK-NOPE-001 names "HK-NOPE-001", which is not a practice of the catalogue`,
    `annotation ${P}HK-WORKLOAD-003 gives a reason shorter than 10 characters, so the exception is not honoured`,
    `annotation ${P}HK-RBAC-008 excepts HK-RBAC-008 (No bindings to system groups or anonymous), which allows no exception`,
    `annotation ${P}HK-CLUSTER-003 excepts HK-CLUSTER-003 (API server authn/authz hardening), which objects cannot opt out of`,
  ]);
});

test('an exception on a pod template is reported, since the audit reads object metadata only', () => {
  const d: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'shop' },
    spec: { template: { metadata: { annotations: { [`${P}HK-WORKLOAD-009`]: 'legacy CMS writes its cache' } }, spec: { containers: [] } } },
  };
  expect(run([d])).toEqual([`annotation ${P}HK-WORKLOAD-009 sits on the pod template, where the audit does not read it; move it to the object's metadata`]);
});
