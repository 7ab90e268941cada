import { DIGEST_PINNED_IMAGE, imageLabel } from './util';
import { celRegex } from '../../admission/cel';
import { POD_RESOURCES } from '../../admission/resources';
import { rq } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-IMAGE-001: every container, init and ephemeral ones included; a tag before the digest is fine. */
export const pinnedDigest: Practice = {
  id: 'HK-IMAGE-001',
  group: PracticeGroup.IMAGE,
  title: 'Pin every image by digest',
  severity: Severity.HIGH,
  why: 'A tag is a movable pointer; a compromised registry or an upstream re-tag silently swaps the code that was reviewed and scanned.',
  criterion: 'Every container, init container and ephemeral container image matches ^[^@\\s]+@sha256:[0-9a-f]{64}$ '
    + '(a :tag before the @ is allowed for readability; the digest decides).',
  library: 'SecureDeployment refuses a tag-only image.',
  fix: 'Reference the image as name[:tag]@sha256:<digest> (resolve the digest with `crane digest` or `docker buildx imagetools inspect`).',
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A development overlay that deliberately follows a tag.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.5.1'],
    nsa: ['Building secure container images (supply chain)'],
    kyverno: ['other/require-image-checksum', 'other/resolve-image-to-digest'],
    gatekeeper: ['K8sImageDigests'],
    checkov: ['CKV_K8S_43'],
    kubescape: ['C-0306'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, has(c.image) && c.image.matches(${celRegex(DIGEST_PINNED_IMAGE.source)}))`,
      message: 'every container image must be pinned by an @sha256 digest',
    }],
    rego: `problem[msg] {
    c := containers[_]
    not regex.match(${rq(DIGEST_PINNED_IMAGE.source)}, object.get(c, "image", ""))
    msg := sprintf("container %v image %v is not pinned by an @sha256 digest", [c.name, object.get(c, "image", "")])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => containersOf(obj)
    .filter((c) => typeof c.container?.image !== 'string' || !DIGEST_PINNED_IMAGE.test(c.container.image))
    .map((c) => `${containerLabel(c)} has ${imageLabel(c.container?.image)}, not pinned by an @sha256 digest`)),
};
