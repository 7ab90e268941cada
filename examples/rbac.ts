import { Construct } from 'constructs';
import { RbacProfile, RbacSubject } from 'cdk8s-hardened';

/** The Deployments the CI pipeline rolls out in the `payments` namespace. */
export const PAYMENTS_DEPLOYMENTS: readonly string[] = ['checkout', 'ledger'];

/** The OIDC group (`groups` claim) of the people on call for payments. */
export const ONCALL_GROUP = 'payments-oncall';

/** What `addRbacProfiles` created. */
export interface RbacExample {
  /** CI's deploy identity: rolls out the payments Deployments; cannot read Secrets, exec, or create workloads. */
  readonly ciDeployer: RbacProfile;
  /** Read-only diagnosis for the on-call group: no Secrets, no exec. */
  readonly onCall: RbacProfile;
}

/**
 * Adds the two identities of the payments namespace inside `scope` (a LockedNamespace, or a chart with a
 * namespace): a ServiceAccount for CI that may only roll out the named Deployments, and read-only access for the
 * on-call group. Run `cdk8s-hardened access dist/` on the output to see who can do what.
 */
export function addRbacProfiles(scope: Construct): RbacExample {
  const ciDeployer = new RbacProfile(scope, 'ci-deployer');
  ciDeployer.rolloutDeployments([...PAYMENTS_DEPLOYMENTS]);
  const onCall = new RbacProfile(scope, 'oncall', { subjects: [RbacSubject.group(ONCALL_GROUP)] });
  onCall.readOnly();
  return { ciDeployer, onCall };
}
