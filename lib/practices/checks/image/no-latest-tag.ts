import { containerImageReference, imageLabel } from './util';
import { VALID_IMAGE_REGEX, celRegex } from '../../admission/cel';
import { POD_RESOURCES } from '../../admission/resources';
import { rq } from '../../admission/rule-helpers';
import { containerLabel, containersOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** HK-IMAGE-002: a registry port is not a tag (`registry:5000/app` is untagged); `latest` in any case fails. */
export const noLatestTag: Practice = {
  id: 'HK-IMAGE-002',
  group: PracticeGroup.IMAGE,
  title: 'No `latest`, no untagged image',
  severity: Severity.HIGH,
  why: '`latest` or an absent tag makes every restart a possible upgrade and makes rollbacks meaningless.',
  criterion: 'Every container, init container and ephemeral container image has a digest, or an explicit tag that is not '
    + '`latest` (case-insensitive). The tag is the text after the last `:` of the last `/`-segment, before any `@`; '
    + 'a `:` inside the registry host is a port, so `registry:5000/app` is untagged.',
  library: 'SecureDeployment refuses an untagged or `latest` image (it requires a digest anyway, HK-IMAGE-001).',
  fix: 'Pin the image by digest (name:1.2.3@sha256:<digest>); at the very least name an immutable version tag.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'HK-IMAGE-001 already requires a digest, which satisfies this practice.',
  checkability: Checkability.MANIFESTS,
  sources: {
    kubeScore: ['container-image-tag'],
    polaris: ['tagNotSpecified'],
    kubeLinter: ['latest-tag'],
    kyverno: ['best-practices/disallow-latest-tag'],
    gatekeeper: ['K8sDisallowedTags'],
    checkov: ['CKV_K8S_14'],
    kubescape: ['C-0075'],
  },
  admission: {
    match: POD_RESOURCES,
    validations: [{
      expression: `variables.containers.all(c, has(c.image) && c.image.matches(${celRegex(VALID_IMAGE_REGEX)}) && (c.image.contains('@')`
          + ` || (c.image.matches(${celRegex(':[^/]*$')}) && !c.image.matches(${celRegex(':[Ll][Aa][Tt][Ee][Ss][Tt]$')}))))`,
      message: 'every container image must be a valid reference with a digest or a tag other than latest',
    }],
    rego: `tag_ok(image) {
    regex.match(${rq(VALID_IMAGE_REGEX)}, image)
    contains(image, "@")
  }
  
  tag_ok(image) {
    regex.match(${rq(VALID_IMAGE_REGEX)}, image)
    not contains(image, "@")
    regex.match(":[^/]*$", image)
    not regex.match(":[Ll][Aa][Tt][Ee][Ss][Tt]$", image)
  }
  
  problem[msg] {
    c := containers[_]
    not tag_ok(object.get(c, "image", ""))
    msg := sprintf("container %v image %v has neither digest nor tag, is tagged latest, or is not a valid reference", [c.name, object.get(c, "image", "")])
  }`,
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    for (const c of containersOf(obj)) {
      const image = c.container?.image;
      const ref = containerImageReference(c.container);
      if (!ref) problems.push(`${containerLabel(c)} has ${imageLabel(image)}, which is not a valid image reference`);
      else if (ref.digest !== undefined) continue;
      else if (ref.tag === undefined) problems.push(`${containerLabel(c)} has ${imageLabel(image)} with neither tag nor digest`);
      else if (ref.tag.toLowerCase() === 'latest') problems.push(`${containerLabel(c)} has ${imageLabel(image)} tagged "${ref.tag}" without a digest`);
    }
    return problems;
  }),
};
