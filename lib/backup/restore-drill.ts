import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { objectMeta, requirePinnedImage } from '../cluster/object-meta';
import { ExceptionSet } from '../exceptions/exception-set';
import * as velero from '../imports/velero-restore-velero.io';
import { LockedNamespace, NamespaceQuota } from '../namespace/locked-namespace';
import { requireOwner } from '../namespace/namespace-guards';
import { isReservedNamespace } from '../practices/checks/namespace/dedicated-namespace';
import { reachesPublicSpace } from '../practices/checks/network/util';
import { PracticeException } from '../practices/exceptions';
import { DNS_LABEL } from '../practices/manifest';
import { isText, quoted, Refuse, refuser, shown } from '../refusal';
import * as kube from '../render/kube';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { isCronProblem, parseCron, worstCaseIntervalSeconds } from '../units/cron';
import { describeDuration, goDuration, seconds } from '../units/duration';
import { systemJobPodSpec } from '../workload/system-job-pod';

const CONSTRUCT = 'RestoreDrill';

/** Annotation with a drill's recovery time objective, as a Go duration (read by audits and monitors). */
export const RTO_ANNOTATION = 'cdk8s-hardened.io/rto';
/** Label on every Restore a drill creates. */
export const RESTORE_DRILL_LABEL = 'cdk8s-hardened.io/restore-drill';
/** Annotations the drill writes on its result ConfigMap after each run, for monitors to alert on. */
export const DRILL_RESULT_ANNOTATION = 'cdk8s-hardened.io/drill-result';
/** Measured restore time of the last run, in seconds. */
export const DRILL_MEASURED_RTO_ANNOTATION = 'cdk8s-hardened.io/drill-measured-rto-seconds';
/** The Restore the last run created. */
export const DRILL_RESTORE_ANNOTATION = 'cdk8s-hardened.io/drill-restore';

/** Time the runner needs around the restore itself: creating the Restore, reporting, cleaning up. */
const MARGIN_SECONDS = 600;

/**
 * Resources never restored into a drill: CronJobs would fire production side effects; NetworkPolicies and mesh
 * authorization would replace the drill namespace's own isolation with production's (whose identities differ);
 * RBAC objects would grant production subjects rights in the drill namespace.
 */
export const DRILL_EXCLUDED_RESOURCES: readonly string[] = [
  'cronjobs.batch',
  'networkpolicies.networking.k8s.io',
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
];

/** Why the drill's Role may delete Secrets it cannot name in advance (recorded HK-RBAC-005 exception). */
export const SECRET_CLEANUP_REASON = 'the drill deletes the Secrets Velero restored into its scratch namespace (deletecollection by '
  + 'velero.io/restore-name label, never get, list or watch); their names are only known after each restore';

/** The relaxation the drill's Role needs, with the reason recorded on it (HK-AUDIT-003). */
export const RESTORE_DRILL_EXCEPTIONS: readonly PracticeException[] = [{ practice: 'HK-RBAC-005', reason: SECRET_CLEANUP_REASON }];

/** Why the runner's egress rule may reach public addresses, recorded as its HK-NETWORK-004 exception when it does. */
const PUBLIC_API_SERVER_REASON = 'the API server endpoint has public addresses (a managed control plane\'s public endpoint); the rule opens only those, on one port';

/** Namespaced resources the drill deletes after each run (the restored objects carry `velero.io/restore-name`). */
const CLEANUP: ReadonlyArray<{ group: string; resource: string }> = [
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'apps', resource: 'replicasets' },
  { group: 'batch', resource: 'jobs' },
  { group: '', resource: 'pods' },
  { group: '', resource: 'services' },
  { group: '', resource: 'persistentvolumeclaims' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'serviceaccounts' },
];

/** What a drill needs to know about the plan whose backups it restores. */
export interface IBackupPlan {
  /** Name of the Velero Schedule whose newest backup is restored. */
  readonly scheduleName: string;
  /** Namespace Velero runs in. */
  readonly veleroNamespace: string;
  /** Namespaces the plan protects. */
  readonly namespaces: string[];
  /** How long backups are kept. */
  readonly ttl: Duration;
}

/** Where the API server listens, for the runner's only egress rule (the API server cannot be pod-selected). */
export interface ApiServerEndpoint {
  /** CIDRs of the API server endpoints (`kubectl get endpoints kubernetes`), as narrow as possible, e.g. `10.0.0.10/32`. */
  readonly cidrs: string[];
  /**
   * Port of the endpoints (after the Service's DNAT).
   * @default 443
   */
  readonly port?: number;
  /**
   * Audience of the runner's projected token: one of the API server's `--api-audiences`.
   * @default 'https://kubernetes.default.svc.cluster.local' — kubeadm's default service-account issuer
   */
  readonly audience?: string;
}

/** Options of `BackupPlan.addRestoreDrill`. */
export interface RestoreDrillOptions {
  /**
   * The protected namespace to restore.
   * @default - the plan's only namespace; required when it protects several
   */
  readonly namespace?: string;
  /** Cron schedule of the drill; its longest gap must not exceed the plan's backup TTL. */
  readonly schedule: string;
  /** Recovery time objective: restore creation → every restored Deployment and StatefulSet ready. */
  readonly rto: Duration;
  /** Runner image with `/bin/sh` and `kubectl`, pinned by digest. */
  readonly image: string;
  /** API server endpoints the runner may reach. */
  readonly apiServer: ApiServerEndpoint;
  /** Team that owns the drill namespace. */
  readonly owner: string;
  /**
   * Drill namespace, a permanent LockedNamespace.
   * @default '<namespace>-restore-drill'
   */
  readonly drillNamespace?: string;
  /**
   * Quota of the drill namespace; it must fit the restored application.
   * @default - the LockedNamespace quota defaults
   */
  readonly quota?: NamespaceQuota;
}

/** Props of RestoreDrill. */
export interface RestoreDrillProps extends RestoreDrillOptions {
  /** The plan whose backups are restored. */
  readonly plan: IBackupPlan;
}

/**
 * A scheduled restore drill (HK-BACKUP-005): a hardened CronJob with its own least-privilege ServiceAccount creates a
 * Velero Restore of the plan's newest backup (`scheduleName`) into a permanent LockedNamespace (`namespaceMapping`),
 * waits until every restored Deployment and StatefulSet is ready within the RTO, records the result as annotations
 * on a ConfigMap and in its exit status (a failed Job, `kube_job_status_failed`), then deletes what it restored.
 *
 * The Restore template is kept in a ConfigMap the runner mounts, so it is reviewable (and schema-checked) YAML.
 * Because the drill namespace is permanent, the runner needs no cluster-wide namespace rights.
 */
export class RestoreDrill extends Construct {
  /** The drill namespace. */
  public readonly drillNamespace: LockedNamespace;
  /** The runner CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The Restore the runner creates, as plain JSON (`metadata.generateName`; a fresh name per run). */
  public readonly restoreTemplate: any;

  private readonly refuse: Refuse = refuser(this, CONSTRUCT);

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    const plan = props.plan;
    const source = this.sourceNamespace(plan, props.namespace);
    const drillName = props.drillNamespace ?? `${source}-restore-drill`;
    if (!isText(drillName, DNS_LABEL) || drillName.length > 63 || isReservedNamespace(drillName) || plan.namespaces.includes(drillName)) {
      this.refuse('drillNamespace', `is ${quoted(drillName)}, not a scratch namespace of its own`,
        'restore into a dedicated namespace that is neither protected by the plan nor a system namespace, e.g. \'<namespace>-restore-drill\'.', 'HK-BACKUP-005');
    }
    requireOwner(this.refuse, props.owner);
    ExceptionSet.builtIn(this, CONSTRUCT, RESTORE_DRILL_EXCEPTIONS, (i) => `RESTORE_DRILL_EXCEPTIONS[${i}]`);
    const image = requirePinnedImage(this, CONSTRUCT, 'image', props.image);
    const interval = this.validateTiming(plan, props.schedule, props.rto);
    const apiServer = this.apiServer(props.apiServer);
    const rtoSeconds = Math.ceil(seconds(props.rto));

    this.drillNamespace = new LockedNamespace(this, 'Namespace', { name: drillName, owner: props.owner, quota: props.quota });
    const name = 'restore-drill';
    const appLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'restore-drill' };
    const inDrill = (
      childId: string, objName: string, annotations: Record<string, string> = {}, exceptions: readonly PracticeException[] = [],
    ) => objectMeta({
      scope: this,
      id: childId,
      name: objName,
      namespace: drillName,
      appName: name,
      partOf: drillName,
      labels: { ...appLabels, [RESTORE_DRILL_LABEL]: plan.scheduleName },
      annotations,
      exceptions,
    });
    const inVelero = (childId: string, objName: string) => objectMeta({
      scope: this,
      id: childId,
      name: objName,
      namespace: plan.veleroNamespace,
      appName: objName,
      partOf: plan.veleroNamespace,
      labels: { [RESTORE_DRILL_LABEL]: plan.scheduleName },
    });

    this.restoreTemplate = velero.Restore.manifest({
      metadata: {
        generateName: `${plan.scheduleName}-drill-`,
        namespace: plan.veleroNamespace,
        labels: { [RESTORE_DRILL_LABEL]: plan.scheduleName },
      },
      spec: {
        scheduleName: plan.scheduleName,
        includedNamespaces: [source],
        namespaceMapping: { [source]: drillName },
        excludedResources: [...DRILL_EXCLUDED_RESOURCES],
        restorePVs: true,
        existingResourcePolicy: 'none',
      },
    });

    const sa = new kube.KubeServiceAccount(this, 'ServiceAccount', { metadata: inDrill('ServiceAccount', name), automountServiceAccountToken: false });
    const subject = { kind: 'ServiceAccount', name: sa.name, namespace: drillName };
    const veleroRoleName = `${drillName}-restore-drill`;
    const veleroRole = new kube.KubeRole(this, 'VeleroRole', {
      metadata: inVelero('VeleroRole', veleroRoleName),
      rules: [
        { apiGroups: ['velero.io'], resources: ['restores'], verbs: ['create', 'get', 'list', 'watch', 'delete'] },
        { apiGroups: ['velero.io'], resources: ['backups'], verbs: ['get', 'list'] },
      ],
    });
    new kube.KubeRoleBinding(this, 'VeleroRoleBinding', {
      metadata: inVelero('VeleroRoleBinding', veleroRoleName),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: veleroRole.name },
      subjects: [subject],
    });
    const resultName = `${name}-result`;
    const byGroup = new Map<string, string[]>();
    for (const c of CLEANUP) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c.resource]);
    const drillRole = new kube.KubeRole(this, 'Role', {
      metadata: objectMeta({
        scope: this,
        id: 'Role',
        name,
        namespace: drillName,
        appName: name,
        partOf: drillName,
        labels: { ...appLabels, [RESTORE_DRILL_LABEL]: plan.scheduleName },
        exceptions: RESTORE_DRILL_EXCEPTIONS,
      }),
      rules: [
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        ...[...byGroup.entries()].map(([group, resources]) => ({ apiGroups: [group], resources, verbs: ['deletecollection'] })),
        { apiGroups: [''], resources: ['configmaps'], resourceNames: [resultName], verbs: ['get', 'patch'] },
      ],
    });
    new kube.KubeRoleBinding(this, 'RoleBinding', {
      metadata: inDrill('RoleBinding', name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: drillRole.name },
      subjects: [subject],
    });

    new kube.KubeConfigMap(this, 'Result', {
      metadata: inDrill('Result', resultName, { [DRILL_RESULT_ANNOTATION]: 'never-run' }),
      data: { 'rto-seconds': String(rtoSeconds) },
    });
    const templateName = `${name}-restore`;
    new kube.KubeConfigMap(this, 'RestoreTemplate', {
      metadata: inDrill('RestoreTemplate', templateName),
      data: { 'restore.json': JSON.stringify(this.restoreTemplate, null, 2) },
    });

    // A public API server endpoint is what the user named; the exception records it (HK-NETWORK-004), and must excuse it.
    const publicApiServer = apiServer.cidrs.some(reachesPublicSpace) ? [{ practice: 'HK-NETWORK-004', reason: PUBLIC_API_SERVER_REASON }] : [];
    if (publicApiServer.length > 0) ExceptionSet.builtIn(this, CONSTRUCT, publicApiServer, () => 'apiServer.cidrs');
    new kube.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: inDrill('NetworkPolicy', name, {}, publicApiServer),
      spec: {
        podSelector: { matchLabels: appLabels },
        policyTypes: ['Ingress', 'Egress'],
        egress: [{
          to: apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(apiServer.port) }],
        }],
      },
    });

    const script = drillScript({
      veleroNamespace: plan.veleroNamespace, drillNamespace: drillName, rtoSeconds, resultName,
    });
    const cronMeta = inDrill('Resource', name, { [RTO_ANNOTATION]: goDuration(props.rto), 'cdk8s-hardened.io/drill-interval': goDuration(interval) });
    this.cronJob = new kube.KubeCronJob(this, 'Resource', {
      // The controller's instance label equals its name, as on every workload (Polaris metadataAndInstanceMismatched).
      metadata: { ...cronMeta, labels: { ...cronMeta.labels, 'app.kubernetes.io/instance': name } },
      spec: {
        schedule: props.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: rtoSeconds + MARGIN_SECONDS,
            template: {
              metadata: { labels: { ...appLabels, 'app.kubernetes.io/part-of': drillName } },
              spec: systemJobPodSpec(this.refuse, {
                serviceAccountName: sa.name,
                apiTokenAudience: apiServer.audience,
                containers: [{
                  name: 'drill',
                  image,
                  command: ['/bin/sh', '-c', script],
                  volumeMounts: [{ name: 'restore', mountPath: '/drill', readOnly: true }],
                }],
                volumes: [{ name: 'restore', configMap: { name: templateName, defaultMode: 0o444 } }],
              }, []),
            },
          },
        },
      },
    });
  }

  private sourceNamespace(plan: IBackupPlan, namespace: string | undefined): string {
    if (namespace === undefined) {
      if (plan.namespaces.length !== 1) {
        this.refuse('namespace', `is unset while the plan protects ${plan.namespaces.length} namespaces (${plan.namespaces.join(', ')})`,
          'name the namespace to restore; add one drill per namespace.', 'HK-BACKUP-005');
      }
      return plan.namespaces[0];
    }
    if (!plan.namespaces.includes(namespace)) {
      this.refuse('namespace', `is '${namespace}', which the plan does not back up (${plan.namespaces.join(', ')})`,
        'restore one of the plan\'s namespaces.', 'HK-BACKUP-005');
    }
    return namespace;
  }

  private validateTiming(plan: IBackupPlan, cron: string, rto: Duration): Duration {
    const parsed = parseCron(cron);
    if (isCronProblem(parsed)) {
      this.refuse('schedule', `is '${cron}', which ${parsed.problem}`,
        'write five cron fields \'minute hour day-of-month month day-of-week\', e.g. \'0 4 * * 1\' for Mondays at 04:00.', 'HK-BACKUP-005');
    }
    const interval = Duration.seconds(worstCaseIntervalSeconds(parsed));
    if (seconds(interval) > seconds(plan.ttl)) {
      this.refuse('schedule', `is '${cron}', whose longest gap between drills (${describeDuration(interval)}) exceeds the backup ttl `
        + `(${describeDuration(plan.ttl)}), so backups expire without ever being drilled`,
      `drill at least every ${describeDuration(plan.ttl)}, or raise the BackupPlan ttl to at least ${describeDuration(interval)}.`, 'HK-BACKUP-005');
    }
    if (!(rto instanceof Duration) || Number.isNaN(seconds(rto))) {
      this.refuse('rto', `is ${shown(rto)}, not a Duration`, 'give the recovery time objective, e.g. Duration.minutes(30).', 'HK-BACKUP-005');
    }
    if (seconds(rto) < 60) {
      this.refuse('rto', `is ${describeDuration(rto)}, shorter than a restore can take`, 'give the recovery time objective, at least Duration.minutes(1).', 'HK-BACKUP-005');
    }
    return interval;
  }

  private apiServer(endpoint: ApiServerEndpoint): { cidrs: string[]; port: number; audience: string } {
    if (endpoint === null || typeof endpoint !== 'object' || Array.isArray(endpoint)) {
      this.refuse('apiServer', `is ${shown(endpoint)}, not { cidrs, port }`, 'give the API server endpoints, e.g. { cidrs: [\'10.0.0.10/32\'], port: 6443 }.', 'HK-NETWORK-003');
    }
    const cidrs: unknown = endpoint.cidrs ?? [];
    const port = endpoint.port ?? 443;
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      this.refuse('apiServer.cidrs', `is ${Array.isArray(cidrs) ? 'empty' : `${shown(cidrs)}, not a list`}, so the runner could not reach the API server`,
        'list the API server endpoint addresses (kubectl get endpoints kubernetes), e.g. [\'10.0.0.10/32\'].', 'HK-NETWORK-003');
    }
    for (const cidr of cidrs as unknown[]) {
      const m = typeof cidr === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr) : null;
      if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < 24 || Number(m[5]) > 32) {
        this.refuse('apiServer.cidrs', `contains ${quoted(cidr)}, not an IPv4 CIDR of /24 or narrower`,
          'give the API server endpoints as /32 addresses, e.g. \'10.0.0.10/32\'.', 'HK-NETWORK-004');
      }
      if ((cidr as string).startsWith('169.254.')) {
        this.refuse('apiServer.cidrs', `contains '${cidr}', a link-local range that holds the cloud metadata endpoint`,
          'give the API server endpoint addresses, not link-local ones.', 'HK-NETWORK-010');
      }
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      this.refuse('apiServer.port', `is ${shown(port)}, not a TCP port`, 'give the endpoints\' port, usually 443 or 6443.', 'HK-NETWORK-003');
    }
    const audience = endpoint?.audience ?? 'https://kubernetes.default.svc.cluster.local';
    if (!isText(audience, /^\S+$/)) {
      this.refuse('apiServer.audience', `is ${quoted(audience)}, not a token audience`, 'give one of the API server\'s --api-audiences, usually its issuer URL.', 'HK-RBAC-002');
    }
    return { cidrs: [...(cidrs as string[])].sort(), port, audience };
  }
}

interface ScriptOptions {
  readonly veleroNamespace: string;
  readonly drillNamespace: string;
  readonly rtoSeconds: number;
  readonly resultName: string;
}

/**
 * The runner's POSIX shell script. Every name in it comes from validated DNS labels, so nothing needs quoting
 * beyond what is written; the only runtime values are the Restore name and timestamps.
 */
export function drillScript(o: ScriptOptions): string {
  const cleanup = CLEANUP.map((c) => {
    const base = c.group === '' ? '/api/v1' : `/apis/${c.group}/v1`;
    return `  kubectl delete --raw "${base}/namespaces/${o.drillNamespace}/${c.resource}?labelSelector=velero.io%2Frestore-name%3D$restore" >/dev/null || true`;
  });
  return [
    'set -u',
    `VELERO=${o.veleroNamespace}`,
    `DRILL=${o.drillNamespace}`,
    `RTO=${o.rtoSeconds}`,
    't0=$(date +%s)',
    'deadline=$((t0 + RTO))',
    'result=failed',
    'report() {',
    '  kubectl -n "$DRILL" annotate configmap ' + o.resultName + ' --overwrite \\',
    `    "${DRILL_RESULT_ANNOTATION}=$result" "${DRILL_RESTORE_ANNOTATION}=$restore" \\`,
    `    "${DRILL_MEASURED_RTO_ANNOTATION}=$1" "cdk8s-hardened.io/drill-finished-at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"`,
    '}',
    'restore=$(kubectl -n "$VELERO" create -f /drill/restore.json -o jsonpath=\'{.metadata.name}\') || { restore=none; report -1; exit 1; }',
    'echo "restore $restore created"',
    'phase=""',
    'while [ "$(date +%s)" -lt "$deadline" ]; do',
    '  phase=$(kubectl -n "$VELERO" get restore "$restore" -o jsonpath=\'{.status.phase}\')',
    '  case "$phase" in Completed|PartiallyFailed|Failed|FailedValidation) break ;; esac',
    '  sleep 10',
    'done',
    'errors=$(kubectl -n "$VELERO" get restore "$restore" -o jsonpath=\'{.status.errors}\')',
    'echo "restore $restore phase=${phase:-none} errors=${errors:-0}"',
    'if [ "$phase" = Completed ] && [ "${errors:-0}" = 0 ]; then',
    '  result=passed',
    '  for r in $(kubectl -n "$DRILL" get deployments,statefulsets -l "velero.io/restore-name=$restore" -o name); do',
    '    left=$((deadline - $(date +%s)))',
    '    if [ "$left" -le 0 ] || ! kubectl -n "$DRILL" rollout status "$r" --timeout="${left}s"; then result=failed; break; fi',
    '  done',
    'fi',
    'measured=$(($(date +%s) - t0))',
    'if [ "$measured" -gt "$RTO" ]; then result=failed; fi',
    'echo "drill $result: measured RTO ${measured}s, target ${RTO}s"',
    'report "$measured"',
    'cleanup() {',
    ...cleanup,
    '  kubectl -n "$VELERO" delete restore "$restore" --wait=false || true',
    '}',
    'cleanup',
    '[ "$result" = passed ]',
  ].join('\n');
}
