import { Chart } from 'cdk8s';
import { AdmissionPolicies, LockedNamespace, NamespaceMesh, PolicyEngine, PolicyMode } from 'cdk8s-hardened';

/**
 * Adds a `payments` LockedNamespace (Istio ambient, one allowed registry) and the admission policies that keep it
 * locked when someone applies YAML by hand. Returns the namespace, so workloads can be created inside it.
 */
export function addLockedNamespace(chart: Chart): LockedNamespace {
  const payments = new LockedNamespace(chart, 'payments', {
    owner: 'payments-team',
    mesh: NamespaceMesh.ISTIO_AMBIENT,
    allowedRegistries: ['registry.example.com/payments'],
    quota: { pods: 30 },
    limits: { max: { memory: '2Gi' } },
  });
  new AdmissionPolicies(chart, 'admission', {
    engines: [PolicyEngine.KYVERNO, PolicyEngine.VALIDATING_ADMISSION_POLICY],
    mode: PolicyMode.ENFORCE,
    targetVersion: '1.28',
    imageVerification: {
      signer: { publicKey: 'k8s://kyverno/payments-cosign' },
      // The CI scanning pipeline attests each image's Trivy scan with its own key: no critical finding, at most a week old.
      scanAttestor: { publicKey: 'k8s://kyverno/scanner-cosign' },
      imageReferences: ['registry.example.com/payments/*', 'registry.example.com/shop/*', 'registry.example.com/mirror/*', 'registry.k8s.io/*', 'docker.io/aquasec/*'],
    },
  });
  return payments;
}
