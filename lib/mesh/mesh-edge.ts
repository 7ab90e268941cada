import { NamespaceMesh } from '../namespace/locked-namespace';
import { DeclaredPort } from '../units/declared-port';

/**
 * Mesh edges decided at synth: whether a connection the NetworkPolicies allow will also be honoured by the mesh, and
 * which mesh rule expresses it. Pure: the workload passes both ends and gets a decision or a refusal to throw.
 *
 * What the meshes do, and so what is decided here:
 * - Istio (sidecar or ambient) with STRICT mTLS drops plaintext; Linkerd with `all-authenticated` and a `Server`
 *   whose `accessPolicy` is `deny` refuses unauthenticated connections. A caller outside the target's mesh cannot
 *   connect, unless the port accepts plaintext by a recorded HK-NETWORK-008 exception (Istio `portLevelMtls`
 *   PERMISSIVE, Linkerd `accessPolicy: all-unauthenticated` on that port's Server); the NetworkPolicy is then the
 *   port's only control.
 * - Istio principals (`<trust-domain>/ns/<ns>/sa/<sa>`) and Linkerd identities
 *   (`<sa>.<ns>.serviceaccount.identity.linkerd.<trust-domain>`) come from different CAs: one mesh never verifies the
 *   other's certificates, so a caller in the other mesh is a plaintext caller and is judged as one.
 * - Meshes proxy TCP only: a UDP (or SCTP) port gets no mesh authorization rule, and the NetworkPolicy is its only
 *   control.
 * - Istio sidecars and ambient workloads interoperate (same CA, same principals); a sidecar receiving from an ambient
 *   caller gets the HBONE tunnel (TCP 15008) on that caller's NetworkPolicy rule.
 */

/** The mesh family that issues a workload's identity. */
export type MeshFamily = 'none' | 'istio' | 'linkerd';

/** Which family issues identities in `mesh`. */
export function meshFamily(mesh: NamespaceMesh): MeshFamily {
  if (mesh === NamespaceMesh.ISTIO || mesh === NamespaceMesh.ISTIO_AMBIENT) return 'istio';
  if (mesh === NamespaceMesh.LINKERD) return 'linkerd';
  return 'none';
}

/** How a mesh is named in messages. */
export function meshName(mesh: NamespaceMesh): string {
  switch (mesh.kind) {
    case 'istio': return 'Istio (sidecar)';
    case 'istio-ambient': return 'Istio (ambient)';
    case 'linkerd': return 'Linkerd';
    default: return 'no mesh';
  }
}

/** One end of an edge. */
export interface MeshEdgeEnd {
  /** The mesh the end's pods are enrolled in. */
  readonly mesh: NamespaceMesh;
  /** How the end is named in messages, e.g. `SecureDeployment 'web' in namespace 'shop'`. */
  readonly description: string;
}

/** What the caller needs from the target's mesh. */
export interface MeshEdgeDecision {
  /** Ports whose mesh rule authorizes the caller's identity (its ServiceAccount). */
  readonly identityPorts: readonly DeclaredPort[];
  /** Ports that must accept plaintext for this caller (recorded HK-NETWORK-008 exception): PERMISSIVE / unauthenticated. */
  readonly plaintextPorts: readonly DeclaredPort[];
  /** Ports the meshes do not proxy (UDP, SCTP): no mesh rule, the NetworkPolicy alone decides. */
  readonly unmeshedPorts: readonly DeclaredPort[];
  /** Extra ports on the caller's NetworkPolicy ingress rule (HBONE 15008 from an ambient caller to a sidecar). */
  readonly extraIngressPorts: ReadonlyArray<{ readonly port: number; readonly protocol: string }>;
}

/** Why the edge cannot work, in the refusal's terms. */
export interface MeshEdgeRefusal {
  /** What is wrong. */
  readonly problem: string;
  /** The way out, the recorded exception included. */
  readonly fix: string;
  /** The practice the edge breaks. */
  readonly practiceId: string;
}

/** HBONE, the ambient tunnel port. */
const HBONE = { port: 15008, protocol: 'TCP' };

/** Whether the meshes proxy (and so authorize) traffic on this port. */
export function meshProxies(port: DeclaredPort): boolean {
  return port.protocol === 'TCP';
}

/**
 * Decides the edge `caller → target` on `ports` (the target's declared ports the caller is admitted to).
 * `plaintextAccepted` is whether the target records an HK-NETWORK-008 exception, which lets its ports accept
 * plaintext callers.
 */
export function decideMeshEdge(
  target: MeshEdgeEnd, caller: MeshEdgeEnd, ports: readonly DeclaredPort[], plaintextAccepted: boolean,
): MeshEdgeDecision | MeshEdgeRefusal {
  const proxied = ports.filter(meshProxies);
  const unmeshedPorts = ports.filter((p) => !meshProxies(p));
  const targetFamily = meshFamily(target.mesh);
  const callerFamily = meshFamily(caller.mesh);
  if (targetFamily === 'none' || proxied.length === 0) return { identityPorts: [], plaintextPorts: [], unmeshedPorts, extraIngressPorts: [] };
  if (targetFamily === callerFamily) {
    const extraIngressPorts = target.mesh === NamespaceMesh.ISTIO && caller.mesh === NamespaceMesh.ISTIO_AMBIENT ? [HBONE] : [];
    return { identityPorts: proxied, plaintextPorts: [], unmeshedPorts, extraIngressPorts };
  }
  if (plaintextAccepted) return { identityPorts: [], plaintextPorts: proxied, unmeshedPorts, extraIngressPorts: [] };
  const portList = proxied.map((p) => `${p.protocol} ${p.port}`).join(', ');
  const enforcement = targetFamily === 'istio'
    ? `STRICT mTLS, so its proxy drops the caller's plaintext on ${portList}`
    : `all-authenticated inbound policy, so its proxy refuses the caller's unauthenticated connections on ${portList}`;
  const callerState = callerFamily === 'none'
    ? 'is not in any mesh'
    : `is in ${meshName(caller.mesh)}, whose identities ${meshName(target.mesh)} never accepts (the meshes are never mixed in one policy)`;
  const enrol = targetFamily === 'istio' ? 'NamespaceMesh.ISTIO or NamespaceMesh.ISTIO_AMBIENT' : 'NamespaceMesh.LINKERD';
  const plaintext = targetFamily === 'istio'
    ? 'the port becomes PERMISSIVE'
    : 'the port\'s Server admits unauthenticated connections';
  return {
    problem: `is ${caller.description}, which ${callerState}, but this workload is in ${meshName(target.mesh)} with ${enforcement}`,
    fix: `enrol the caller in the workload's mesh (mesh: ${enrol} on it or on its LockedNamespace), or accept its plaintext on the port `
      + `(${plaintext}, and only the NetworkPolicy guards it) with exceptions: [{ practice: 'HK-NETWORK-008', reason: '…' }].`,
    practiceId: 'HK-NETWORK-008',
  };
}

/** Whether `decideMeshEdge` refused. */
export function isMeshEdgeRefusal(x: MeshEdgeDecision | MeshEdgeRefusal): x is MeshEdgeRefusal {
  return 'problem' in x;
}
