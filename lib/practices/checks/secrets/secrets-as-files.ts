import { POD_RESOURCES } from '../../admission/resources';
import { asArray, containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-SECRETS-005: every container of the pod spec, ephemeral ones included. */
export const secretsAsFiles: Practice = {
  id: 'HK-SECRETS-005',
  group: PracticeGroup.SECRETS,
  title: 'Secrets consumed as files, not env vars',
  severity: Severity.MEDIUM,
  why: 'Environment variables leak into crash dumps, `/proc/<pid>/environ`, child processes and logs.',
  criterion: 'No container, init container or ephemeral container has env[*].valueFrom.secretKeyRef or envFrom[*].secretRef; '
    + 'secrets come in through secret or projected volumes.',
  library: 'Mounts secrets as files and refuses env use (cdk8s-plus EnvValue.fromSecretValue emits secretKeyRef).',
  fix: 'Mount the Secret as a read-only volume (HK-SECRETS-007) and have the app read the file; or record an exception for an app that only reads env.',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Apps that can only read configuration from environment variables.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.4.1'],
    kubeLinter: ['read-secret-from-env-var'],
    kyverno: ['other/disallow-secrets-from-env-vars'],
    kubesec: ['SecretsAsEnvironmentVariables'],
    checkov: ['CKV_K8S_35'],
    kubescape: ['C-0207'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.containers.all(c, (!has(c.env) || c.env.all(e, !(has(e.valueFrom) && has(e.valueFrom.secretKeyRef))))'
          + ' && (!has(c.envFrom) || c.envFrom.all(f, !has(f.secretRef))))',
      message: 'containers must read Secrets from mounted files, not through env secretKeyRef or envFrom secretRef',
    }],
    rego: `problem[msg] {
    c := containers[_]
    e := object.get(c, "env", [])[_]
    e.valueFrom.secretKeyRef
    msg := sprintf("container %v env %v reads a Secret through secretKeyRef", [c.name, e.name])
  }
  
  problem[msg] {
    c := containers[_]
    f := object.get(c, "envFrom", [])[_]
    f.secretRef
    msg := sprintf("container %v envFrom loads a Secret into the environment", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    for (const c of containersOf(obj)) {
      for (const env of asArray(c.container?.env)) {
        const ref = env?.valueFrom?.secretKeyRef;
        if (ref) problems.push(`${containerLabel(c)} env "${env.name}" reads Secret "${ref.name ?? '?'}" key "${ref.key ?? '?'}" through secretKeyRef`);
      }
      for (const from of asArray(c.container?.envFrom)) {
        if (from?.secretRef) problems.push(`${containerLabel(c)} envFrom loads Secret "${from.secretRef.name ?? '?'}" into the environment`);
      }
    }
    return problems;
  }),
};
