import { clusterIpOnly } from './cluster-ip-only';
import { defaultDeny } from './default-deny';
import { gatewayHttpsOnly } from './gateway-https-only';
import { gatewayNamedNamespaces } from './gateway-named-namespaces';
import { ingressTls } from './ingress-tls';
import { ingressViaController } from './ingress-via-controller';
import { leastAccessPolicies } from './least-access-policies';
import { meshAuthorization } from './mesh-authorization';
import { meshMtlsStrict } from './mesh-mtls-strict';
import { metadataEndpointBlocked } from './metadata-endpoint-blocked';
import { narrowDnsEgress } from './narrow-dns-egress';
import { noBlanketRules } from './no-blanket-rules';
import { referenceGrants } from './reference-grants';
import { routesToClusterIp } from './routes-to-cluster-ip';
import { Practice } from '../../practice';

/** The NETWORK practices, ordered by id. */
export const NETWORK_PRACTICES: readonly Practice[] = [
  defaultDeny,
  narrowDnsEgress,
  leastAccessPolicies,
  noBlanketRules,
  ingressViaController,
  clusterIpOnly,
  ingressTls,
  meshMtlsStrict,
  meshAuthorization,
  metadataEndpointBlocked,
  gatewayHttpsOnly,
  gatewayNamedNamespaces,
  routesToClusterIp,
  referenceGrants,
];
