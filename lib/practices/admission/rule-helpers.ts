import { celStringList, HOST_PREFIX_REGEX, VALID_IMAGE_REGEX } from './cel';

/** Building blocks shared by the practices' admission rules (CEL and Rego text). */

/** A Rego string literal. */
export const rq = (text: string): string => JSON.stringify(text);

/** CEL: `c.securityContext.<field>` is present. */
export const scHas = (field: string): string => `has(c.securityContext) && has(c.securityContext.${field})`;

/** CEL: a seccomp/AppArmor profile `p` of an allowed type, Localhost with a profile name. */
export const profileOk = (p: string, types: readonly string[]): string =>
  `(${p}.type in ${celStringList(types.filter((t) => t !== 'Localhost'))} || (${p}.type == 'Localhost' && has(${p}.localhostProfile) && ${p}.localhostProfile != ''))`;

/** Rego: a profile object `p` of an allowed type. */
export const regoProfileOk = (name: string, types: readonly string[]): string => `${name}(p) {
  p.type == ${rq(types.filter((t) => t !== 'Localhost')[0])}
}

${name}(p) {
  p.type == "Localhost"
  object.get(p, "localhostProfile", "") != ""
}`;

/** The image reference normalisation of HK-IMAGE-003 in Rego: `registry/repository`, lower case. */
export const REGO_IMAGE_REF = `with_host(n) := n {
  regex.match(${rq(HOST_PREFIX_REGEX)}, n)
}

with_host(n) := concat("", ["docker.io/", n]) {
  not regex.match(${rq(HOST_PREFIX_REGEX)}, n)
}

image_ref(image) := ref {
  regex.match(${rq(VALID_IMAGE_REGEX)}, image)
  no_tag := regex.replace(with_host(split(image, "@")[0]), ":[^/:]*$", "")
  folded := regex.replace(lower(no_tag), "^index\\\\.docker\\\\.io/", "docker.io/")
  ref := regex.replace(folded, "^docker\\\\.io/([^/]+)$", "docker.io/library/$1")
}

admitted(ref) {
  e := allowed_registries[_]
  not contains(e, "/")
  split(ref, "/")[0] == e
}

admitted(ref) {
  e := allowed_registries[_]
  contains(e, "/")
  ref == e
}

admitted(ref) {
  e := allowed_registries[_]
  contains(e, "/")
  startswith(ref, concat("", [e, "/"]))
}`;
