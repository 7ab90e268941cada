import { allowedRegistriesFor, containerImageReference, imageLabel, isFrozenRegistry, registryEntryAdmits } from './util';
import { FROZEN_REGISTRY_REGEX, celRegex } from '../../admission/cel';
import { POD_RESOURCES } from '../../admission/resources';
import { REGO_IMAGE_REF, rq } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/**
 * HK-IMAGE-003: the allow-list is the run's `allowedRegistries` plus the `cdk8s-hardened.io/allowed-registries`
 * annotation of the workload's Namespace when it is in the set; without any allow-list only frozen registries fail.
 */
export const allowedRegistries: Practice = {
  id: 'HK-IMAGE-003',
  group: PracticeGroup.IMAGE,
  title: 'Pull only from allowed registries',
  severity: Severity.HIGH,
  why: 'Public or unknown registries are not scanned or controlled by the organisation; typosquatted images are a known attack path.',
  criterion: 'The registry host of every container, init container and ephemeral container image (the first path segment if it '
    + 'contains `.` or `:` or is `localhost`, otherwise docker.io) is in the allow-list: the audit\'s allowedRegistries plus the '
    + 'comma-separated `cdk8s-hardened.io/allowed-registries` annotation of the workload\'s Namespace. k8s.gcr.io (and its '
    + 'regional mirrors) is never allowed. With no allow-list at all, only that deny-list applies.',
  library: 'SecureDeployment refuses an image from a registry outside the allow-list; LockedNamespace records the allow-list in its '
    + 'annotation and emits the admission policy (HK-CLUSTER-001).',
  fix: 'Mirror the image into an allowed registry (registry.k8s.io replaces k8s.gcr.io) and reference it there, or add the '
    + 'registry to the App or LockedNamespace allow-list.',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.5.1'],
    nsa: ['Use trusted repositories and image scanning'],
    kyverno: [
      'best-practices/restrict-image-registries', 'other/advanced-restrict-image-registries', 'other/allowed-image-repos',
      'other/restrict-deprecated-registry',
    ],
    gatekeeper: ['K8sAllowedRepos', 'K8sAllowedReposv2', 'K8sDisallowedRepos'],
    kubescape: ['C-0001', 'C-0078', 'C-0253'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.imageRefs.all(r, r != '' && !r.split('/')[0].matches(${celRegex(FROZEN_REGISTRY_REGEX)})`
          + ' && (variables.allowedRegistries.size() == 0 || variables.allowedRegistries.exists(e,'
          + ' e.contains(\'/\') ? (r == e || r.startsWith(e + \'/\')) : r.split(\'/\')[0] == e)))',
      message: 'every container image must come from an allowed registry, and never from the frozen k8s.gcr.io',
    }],
    rego: `${REGO_IMAGE_REF}
  
  problem[msg] {
    c := containers[_]
    image := object.get(c, "image", "")
    not image_ref(image)
    msg := sprintf("container %v image %v is not a valid image reference", [c.name, image])
  }
  
  problem[msg] {
    c := containers[_]
    ref := image_ref(object.get(c, "image", ""))
    regex.match(${rq(FROZEN_REGISTRY_REGEX)}, split(ref, "/")[0])
    msg := sprintf("container %v pulls from the frozen registry %v; use registry.k8s.io", [c.name, split(ref, "/")[0]])
  }
  
  problem[msg] {
    c := containers[_]
    ref := image_ref(object.get(c, "image", ""))
    count(allowed_registries) > 0
    not admitted(ref)
    msg := sprintf("container %v pulls %v, which is not in the allow-list %v", [c.name, ref, allowed_registries])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj, ctx) => {
    const allowList = allowedRegistriesFor(ctx, obj);
    const problems: string[] = [];
    for (const c of containersOf(obj)) {
      const image = c.container?.image;
      const ref = containerImageReference(c.container);
      if (!ref) {
        problems.push(`${containerLabel(c)} has ${imageLabel(image)}, whose registry cannot be determined`);
      } else if (isFrozenRegistry(ref.registry)) {
        problems.push(`${containerLabel(c)} pulls ${imageLabel(image)} from the frozen registry ${ref.registry}; use registry.k8s.io`);
      } else if (allowList.length > 0 && !allowList.some((entry) => registryEntryAdmits(entry, ref))) {
        problems.push(`${containerLabel(c)} pulls ${imageLabel(image)} from ${ref.registry}, which is not in the allow-list (${allowList.join(', ')})`);
      }
    }
    return problems;
  }),
};
