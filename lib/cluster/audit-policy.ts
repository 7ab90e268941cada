import { Construct } from 'constructs';
import { ControlPlaneFile } from './control-plane-file';
import { Refuse, refuser } from '../refusal';

const CONSTRUCT = 'AuditPolicy';

/** Resources of one API group, as an audit rule selects them. */
export interface AuditResources {
  /** API group without version; `''` is the core group. */
  readonly group: string;
  /** Plural resource names (subresources as `pods/exec`). */
  readonly resources: string[];
}

/** Props of AuditPolicy and `auditPolicy()`. */
export interface AuditPolicyProps {
  /**
   * Further resources whose bodies carry credentials, logged at Metadata only together with Secrets and ConfigMaps.
   * @default - none
   */
  readonly sensitiveResources?: AuditResources[];
  /**
   * Path of the policy file on the control-plane nodes.
   * @default '/etc/kubernetes/audit/audit-policy.yaml'
   */
  readonly hostPath?: string;
  /**
   * Path of the audit log on the control-plane nodes.
   * @default '/var/log/kubernetes/audit/audit.log'
   */
  readonly logPath?: string;
  /**
   * Days of audit logs kept (CIS 1.2.17 asks for 30 or more).
   * @default 30
   */
  readonly maxAgeDays?: number;
  /**
   * Rotated log files kept (CIS 1.2.18 asks for 10 or more).
   * @default 10
   */
  readonly maxBackups?: number;
  /**
   * Size in megabytes at which the log rotates (CIS 1.2.19 asks for 100 or more).
   * @default 100
   */
  readonly maxSizeMegabytes?: number;
}

/** Writes that change who may do what, what runs, and what may talk to what: logged with both bodies. */
const SECURITY_WRITES: readonly AuditResources[] = [
  { group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] },
  { group: 'admissionregistration.k8s.io', resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'] },
  { group: 'networking.k8s.io', resources: ['networkpolicies'] },
  { group: '', resources: ['namespaces'] },
];

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

const toRule = (r: AuditResources) => ({ group: r.group, resources: [...r.resources] });

/**
 * The `audit.k8s.io/v1` Policy as plain JSON (HK-AUDIT-002). First match wins, so the order is the policy:
 * 1. credentials — Secrets, ConfigMaps, ServiceAccount token requests, TokenReviews — at Metadata, first, so no
 *    later rule can log their bodies; 2. noise dropped: health endpoints, Events, system components' watches;
 * 3. RBAC, admission, NetworkPolicy and Namespace (PSA label) writes at RequestResponse; 4. exec, attach and
 * port-forward at Request; 5. everything else at Metadata. Pure.
 */
export function auditPolicy(props: AuditPolicyProps = {}): any {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules: [
      {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
          ...(props.sensitiveResources ?? []).map(toRule),
        ],
      },
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
      { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
      {
        level: 'None',
        users: ['system:kube-proxy', 'system:kube-scheduler', 'system:kube-controller-manager'],
        verbs: ['watch'],
      },
      { level: 'None', userGroups: ['system:nodes'], verbs: ['get', 'watch'], resources: [{ group: '', resources: ['nodes', 'nodes/status'] }] },
      { level: 'RequestResponse', verbs: [...WRITE_VERBS], resources: SECURITY_WRITES.map(toRule) },
      { level: 'Request', resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }] },
      { level: 'Metadata' },
    ],
  };
}

/**
 * An API server audit Policy (HK-AUDIT-002) and the logging flags that use it (HK-AUDIT-001), as files for the
 * control plane — never an applied object. Managed clusters take their audit configuration from provider settings.
 */
export class AuditPolicy extends ControlPlaneFile {
  /** File name inside the control-plane output folder. */
  public readonly fileName = 'audit-policy.yaml';
  /** Path of the policy file on the control-plane nodes. */
  public readonly hostPath: string;
  private readonly props: AuditPolicyProps;

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: AuditPolicyProps = {}) {
    super(scope, id, ['HK-AUDIT-002']);
    const minimum: Array<[keyof AuditPolicyProps, number, string]> = [
      ['maxAgeDays', 30, 'CIS 1.2.17'], ['maxBackups', 10, 'CIS 1.2.18'], ['maxSizeMegabytes', 100, 'CIS 1.2.19'],
    ];
    for (const [prop, min, cis] of minimum) {
      const value = props[prop] as number | undefined;
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        this.refuse(prop, `is ${value}, below the ${min} that ${cis} asks for`, `keep at least ${min}; the default is ${min}.`, 'HK-AUDIT-001');
      }
    }
    (props.sensitiveResources ?? []).forEach((r, i) => {
      if (r.resources.length === 0) {
        this.refuse(`sensitiveResources[${i}].resources`, 'is empty, which would match every resource of the group at Metadata',
          'name the resources, e.g. { group: \'example.com\', resources: [\'credentials\'] }.', 'HK-AUDIT-002');
      }
    });
    this.hostPath = props.hostPath ?? '/etc/kubernetes/audit/audit-policy.yaml';
    this.props = { ...props };
  }

  /** The file's content. */
  public toJson(): any {
    return auditPolicy(this.props);
  }

  /** `--audit-policy-file`, the log path and the retention flags. */
  public apiServerFlags(): string[] {
    return [
      `--audit-policy-file=${this.hostPath}`,
      `--audit-log-path=${this.props.logPath ?? '/var/log/kubernetes/audit/audit.log'}`,
      `--audit-log-maxage=${this.props.maxAgeDays ?? 30}`,
      `--audit-log-maxbackup=${this.props.maxBackups ?? 10}`,
      `--audit-log-maxsize=${this.props.maxSizeMegabytes ?? 100}`,
    ];
  }
}
