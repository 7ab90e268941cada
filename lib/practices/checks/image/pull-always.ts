import { POD_RESOURCES } from '../../admission/resources';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-IMAGE-004: the value must be written; the API default for a digest or tagged image is IfNotPresent. */
export const pullAlways: Practice = {
  id: 'HK-IMAGE-004',
  group: PracticeGroup.IMAGE,
  title: '`imagePullPolicy: Always`',
  severity: Severity.MEDIUM,
  why: 'On a shared node a cached private image can be started by a pod that holds no pull credentials; `Always` makes the kubelet '
    + 're-authorise with the registry on every start (the digest keeps the result deterministic).',
  criterion: 'Every container, init container and ephemeral container sets imagePullPolicy: Always.',
  library: 'SecureDeployment sets imagePullPolicy: Always on every container.',
  fix: 'Set imagePullPolicy: Always (or enable the AlwaysPullImages admission plugin cluster-side as well).',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'Air-gapped nodes that cannot reach a registry at pod start.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['1.2.11'],
    kubeScore: ['container-image-pull-policy'],
    polaris: ['pullPolicyNotAlways'],
    kyverno: ['other/always-pull-images', 'other/imagepullpolicy-always'],
    checkov: ['CKV_K8S_15', 'CKV_K8S_80'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: 'variables.containers.all(c, has(c.imagePullPolicy) && c.imagePullPolicy == \'Always\')',
      message: 'every container must set imagePullPolicy: Always',
    }],
    rego: `problem[msg] {
    c := containers[_]
    object.get(c, "imagePullPolicy", "") != "Always"
    msg := sprintf("container %v does not set imagePullPolicy: Always", [c.name])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => containersOf(obj)
    .filter((c) => c.container?.imagePullPolicy !== 'Always')
    .map((c) => {
      const policy = c.container?.imagePullPolicy;
      return policy === undefined
        ? `${containerLabel(c)} does not set imagePullPolicy (the API defaults it to IfNotPresent for a tagged or pinned image)`
        : `${containerLabel(c)} sets imagePullPolicy: ${policy}`;
    })),
};
