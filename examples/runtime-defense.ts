import { Chart } from 'cdk8s';
import { FalcoRules, FluentBitAgent, HardenedNodePool, LockedNamespace, LogDestination, SecurityAlerts, TrivyOperatorConfig } from 'cdk8s-hardened';

/** Fluent Bit 3.2, pinned by digest (example digest: replace with the one your registry serves). */
export const FLUENT_BIT_IMAGE = 'registry.example.com/mirror/fluent-bit:3.2.10@sha256:7d4e1c2b9a8f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5';
/** The Trivy scanner the operator's scan jobs run, pinned by digest (example digest). */
export const TRIVY_IMAGE = 'registry.example.com/mirror/trivy:0.67.2@sha256:2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a';

/**
 * The runtime-defense layer: security alerts for Prometheus, the Trivy Operator's configuration (running images
 * rescanned daily), Falco rules for the Falco install, a Fluent Bit agent shipping container and audit logs to S3
 * through a VPC endpoint, and the payments namespace pinned to the CIS-hardened node pool.
 */
export function addRuntimeDefense(chart: Chart, payments: LockedNamespace): void {
  new SecurityAlerts(chart, 'security-alerts', { ruleLabels: { release: 'kube-prometheus-stack' } });
  new TrivyOperatorConfig(chart, 'trivy-operator', { scannerImage: TRIVY_IMAGE });
  new FalcoRules(chart, 'falco-rules', { watchNamespaces: ['payments', 'shop'] });
  new FluentBitAgent(chart, 'log-agent', {
    image: FLUENT_BIT_IMAGE,
    owner: 'platform-team',
    destination: LogDestination.s3({ bucket: 'acme-cluster-logs', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/log-shipper' }),
    // The S3 gateway/interface endpoint of the VPC: logs never cross the internet.
    egressTo: ['10.20.0.0/24'],
    expectedSecretReaders: [
      'system:node:*', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:apiserver', 'system:serviceaccount:kube-system:*',
      'system:serviceaccount:velero:velero', 'system:serviceaccount:external-secrets:external-secrets',
    ],
  });
  const hardenedAmi = new HardenedNodePool(chart, 'cis-node-pool', {
    nodeLabel: { key: 'node.example.com/image', value: 'cis-al2023' },
    taint: { key: 'node.example.com/hardened', value: 'true' },
  });
  hardenedAmi.requireIn(payments);
}
