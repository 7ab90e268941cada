import {
  istioNamespaceEnrolled, istioNamespaceWide, istioOptOut, istioSelects, ISTIO_ROOT_NAMESPACE, linkerdNamespaceEnrolled,
  linkerdPodAnnotation, meshEnrolment, meshObjects,
} from './util';
import { Manifest, namespaceOf } from '../../manifest';
import { AuditContext, Checkability, ExceptionPolicy, Practice, PracticeGroup, Severity, Violation } from '../../practice';
import { namespaceObject } from '../namespace/util';

const STRICT_INBOUND_POLICIES = ['all-authenticated', 'deny'];
const PORT_SKIP_ANNOTATIONS = ['config.linkerd.io/skip-inbound-ports', 'config.linkerd.io/skip-outbound-ports'];

/** A PeerAuthentication's own mode; `UNSET` and absent inherit from the wider policy. */
function ownMode(pa: Manifest): string | undefined {
  const mode = pa.spec?.mtls?.mode;
  return typeof mode === 'string' && mode !== 'UNSET' ? mode : undefined;
}

/** The mode Istio applies to a workload: workload policy, else namespace policy, else mesh-wide policy, else PERMISSIVE. */
function effectiveIstioMode(peerAuths: readonly Manifest[], workload: Manifest): { mode: string; portProblems: string[] } {
  const ns = namespaceOf(workload);
  const own = peerAuths.filter((p) => istioSelects(p, workload));
  const portProblems: string[] = [];
  for (const p of own) {
    for (const [port, setting] of Object.entries<any>(p.spec?.portLevelMtls ?? {})) {
      if (setting?.mode !== 'STRICT' && setting?.mode !== 'UNSET') {
        portProblems.push(`PeerAuthentication/${ns}/${p.metadata?.name ?? '?'} sets port ${port} to ${setting?.mode ?? '?'}`);
      }
    }
  }
  const levels = [
    own,
    peerAuths.filter((p) => namespaceOf(p) === ns && istioNamespaceWide(p)),
    peerAuths.filter((p) => namespaceOf(p) === ISTIO_ROOT_NAMESPACE && istioNamespaceWide(p)),
  ];
  for (const level of levels) {
    const modes = level.map(ownMode).filter((m): m is string => m !== undefined);
    // Several policies at one level is ambiguous in Istio; judge by the weakest.
    if (modes.length > 0) return { mode: modes.every((m) => m === 'STRICT') ? 'STRICT' : modes.find((m) => m !== 'STRICT')!, portProblems };
  }
  return { mode: 'PERMISSIVE', portProblems };
}

/**
 * HK-NETWORK-008: judged only for workloads the set enrols in a mesh (by their Namespace object or their own pod template);
 * a set without mesh enrolment has nothing to judge. Findings land on the workload, where an exception is recorded.
 */
export const meshMtlsStrict: Practice = {
  id: 'HK-NETWORK-008',
  group: PracticeGroup.NETWORK,
  title: 'Mesh mTLS STRICT, injection enforced',
  severity: Severity.HIGH,
  why: 'NetworkPolicy trusts IP addresses; mTLS authenticates the workload identity and encrypts east-west traffic.',
  criterion: 'Judged only for workloads the set enrols in a mesh; sets without mesh enrolment pass. Istio: a Namespace in the set '
    + 'with istio-injection: enabled (which wins over istio.io/rev), istio.io/rev or istio.io/dataplane-mode: ambient enrols its '
    + 'workloads, as does a pod template with sidecar.istio.io/inject: "true"; in an enrolled namespace no pod template sets '
    + 'sidecar.istio.io/inject: "false" (label or annotation), istio.io/dataplane-mode: none or hostNetwork; each enrolled '
    + 'workload\'s effective security.istio.io PeerAuthentication mode (workload selector, else namespace-wide, else istio-system '
    + 'mesh-wide, else PERMISSIVE) is STRICT, with no non-STRICT portLevelMtls. Linkerd: a Namespace annotated linkerd.io/inject: enabled '
    + 'enrols its workloads, as does the pod annotation; in an enrolled namespace no pod sets linkerd.io/inject: disabled; the '
    + 'effective config.linkerd.io/default-inbound-policy (pod, else Namespace) is all-authenticated or deny (not judged when '
    + 'neither the pod nor a Namespace object in the set sets it); no pod skips inbound or outbound ports.',
  library: 'LockedNamespace generates the mesh enrolment and STRICT policy (mesh choice is a prop); SecureDeployment adds a per-workload STRICT PeerAuthentication.',
  fix: 'Istio: add a PeerAuthentication in the namespace with spec.mtls.mode: STRICT and remove sidecar.istio.io/inject: "false" from pod templates. '
    + 'Linkerd: annotate the Namespace config.linkerd.io/default-inbound-policy: all-authenticated and remove linkerd.io/inject: disabled and port skipping.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Per workload, e.g. a job that must reach a non-meshed endpoint before the proxy starts.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Encryption', 'Service meshes'],
    kyverno: [
      'istio/enforce-strict-mtls', 'istio/enforce-sidecar-injection-namespace', 'istio/prevent-disabling-injection-pods',
      'linkerd/require-linkerd-mesh-injection', 'linkerd/prevent-linkerd-pod-injection-override', 'linkerd/prevent-linkerd-port-skipping',
    ],
  },
  evaluate: (ctx: AuditContext) => {
    const out: Violation[] = [];
    const { istio, linkerd } = meshEnrolment(ctx);
    const peerAuths = meshObjects(ctx, 'PeerAuthentication', 'istio.io');
    for (const w of istio) {
      const nsEnrolled = istioNamespaceEnrolled(namespaceObject(ctx, namespaceOf(w)));
      const optOut = istioOptOut(w);
      if (nsEnrolled && optOut) {
        out.push({ object: w, message: `${optOut}, although namespace "${namespaceOf(w)}" is enrolled in Istio` });
        continue;
      }
      const { mode, portProblems } = effectiveIstioMode(peerAuths, w);
      if (mode !== 'STRICT') out.push({ object: w, message: `its effective Istio PeerAuthentication mode is ${mode}, not STRICT` });
      for (const p of portProblems) out.push({ object: w, message: p });
    }
    for (const w of linkerd) {
      const ns = namespaceObject(ctx, namespaceOf(w));
      if (linkerdNamespaceEnrolled(ns) && linkerdPodAnnotation(w, 'linkerd.io/inject') === 'disabled') {
        out.push({ object: w, message: `its pod template sets linkerd.io/inject: disabled, although namespace "${namespaceOf(w)}" is enrolled in Linkerd` });
        continue;
      }
      const policy = linkerdPodAnnotation(w, 'config.linkerd.io/default-inbound-policy') ?? ns?.metadata?.annotations?.['config.linkerd.io/default-inbound-policy'];
      if (policy !== undefined && !STRICT_INBOUND_POLICIES.includes(policy)) {
        out.push({ object: w, message: `its effective Linkerd default-inbound-policy is ${policy}, not all-authenticated or deny` });
      } else if (policy === undefined && ns) {
        out.push({ object: w, message: `namespace "${namespaceOf(w)}" sets no config.linkerd.io/default-inbound-policy, so the cluster default applies` });
      }
      for (const key of PORT_SKIP_ANNOTATIONS) {
        if (linkerdPodAnnotation(w, key)) out.push({ object: w, message: `its pod template sets ${key}, which bypasses the proxy` });
      }
    }
    return out;
  },
};
