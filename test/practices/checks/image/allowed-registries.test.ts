import { audit } from '../../../../lib/audit/audit';
import { allowedRegistries } from '../../../../lib/practices/checks/image/allowed-registries';
import { compliantSet, containerOf, DIGEST, withDeployment, withObject } from '../../fixtures';

const only = { practices: [allowedRegistries] };
const messages = (objects: any[], allowed?: string[]) => audit(objects, { ...only, allowedRegistries: allowed }).findings.map((f) => f.message);
const pulling = (image: string) => withDeployment((d) => { containerOf(d).image = image; });

describe('HK-IMAGE-003 allow-list sources', () => {
  test('the run allow-list adds to the Namespace annotation', () => {
    expect(messages(pulling(`quay.io/shop/api:1@${DIGEST}`), ['quay.io'])).toEqual([]);
    expect(messages(compliantSet(), ['quay.io'])).toEqual([]);
  });

  test('the run allow-list alone applies when the Namespace is not in the set', () => {
    const set = pulling(`quay.io/shop/api:1@${DIGEST}`).filter((o) => o.kind !== 'Namespace');
    expect(messages(set, ['registry.example.com'])).toEqual([
      `container "app" pulls image "quay.io/shop/api:1@${DIGEST}" from quay.io, which is not in the allow-list (registry.example.com)`,
    ]);
  });

  test('a Namespace of another name does not lend its annotation', () => {
    const set = withObject('Namespace', (n) => { n.metadata.name = 'other'; });
    containerOf(set.find((o) => o.kind === 'Deployment')).image = `quay.io/shop/api:1@${DIGEST}`;
    expect(messages(set)).toEqual([]);
    expect(messages(set, ['registry.example.com'])).toHaveLength(1);
  });

  test('the frozen registry is refused even when the run allows it', () => {
    expect(messages(pulling(`k8s.gcr.io/pause:3.9@${DIGEST}`), ['k8s.gcr.io'])).toEqual([
      `container "app" pulls image "k8s.gcr.io/pause:3.9@${DIGEST}" from the frozen registry k8s.gcr.io; use registry.k8s.io`,
    ]);
  });
});
