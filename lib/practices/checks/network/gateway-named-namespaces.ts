import { GATEWAY_GROUP, listenersOf } from './gateway-util';
import { apiGroupOf } from './util';
import { GATEWAY_RESOURCES } from '../../admission/resources';
import { asArray, isEmptySelector } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Why a listener's allowedRoutes admit more than named namespaces, or undefined. */
function openness(allowedRoutes: any): string | undefined {
  const ns = allowedRoutes?.namespaces;
  const from = ns?.from ?? 'Same';
  if (from === 'Same') return undefined;
  if (from === 'All') return 'admits routes from all namespaces (allowedRoutes.namespaces.from: All)';
  if (from !== 'Selector') return `has allowedRoutes.namespaces.from ${String(from)}, which no implementation defines`;
  const selector = ns?.selector;
  if (selector === undefined || isEmptySelector(selector)) return 'admits routes from all namespaces (an empty allowedRoutes.namespaces.selector)';
  const byName = Object.keys(selector.matchLabels ?? {}).every((k) => k === NAME_LABEL)
    && asArray(selector.matchExpressions).every((e) => e?.key === NAME_LABEL && e?.operator === 'In');
  if (!byName) return `selects route namespaces by labels other than ${NAME_LABEL} (names In), which namespace owners can set themselves`;
  return undefined;
}

/** HK-NETWORK-012: judged per Gateway, listener by listener. */
export const gatewayNamedNamespaces: Practice = {
  id: 'HK-NETWORK-012',
  group: PracticeGroup.NETWORK,
  title: 'Gateway listeners admit routes only from named namespaces',
  severity: Severity.HIGH,
  why: 'A listener that admits routes from every namespace lets any team that can create an HTTPRoute publish its pods on the platform\'s hostnames and certificate.',
  criterion: 'Every listener of a gateway.networking.k8s.io Gateway has allowedRoutes.namespaces.from absent or Same, or Selector with a '
    + `non-empty selector that names namespaces only by ${NAME_LABEL} (matchLabels on that key, matchExpressions with key ${NAME_LABEL} and operator In); `
    + 'never All.',
  library: `SecureGateway takes allowedRouteNamespaces (required, non-empty) and writes a Selector on ${NAME_LABEL} In those names; the routes refuse a Gateway that does not admit their namespace.`,
  fix: `Set allowedRoutes.namespaces to { from: Selector, selector: { matchExpressions: [{ key: ${NAME_LABEL}, operator: In, values: [<namespaces>] }] } }, or from: Same.`,
  exception: ExceptionPolicy.RECORDABLE,
  exceptionNote: 'A shared Gateway whose route admission is delegated to an admission policy on HTTPRoutes.',
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Network separation and hardening'],
    other: ['Gateway API security model (gateway-api.sigs.k8s.io/concepts/security-model): "From: All" lets any namespace attach routes'],
  },
  admission: {
    match: GATEWAY_RESOURCES,
    validations: [{
      expression: '!has(object.spec.listeners) || object.spec.listeners.all(l, !has(l.allowedRoutes) || !has(l.allowedRoutes.namespaces) '
        + '|| !has(l.allowedRoutes.namespaces.from) || l.allowedRoutes.namespaces.from == \'Same\' '
        + '|| (l.allowedRoutes.namespaces.from == \'Selector\' && has(l.allowedRoutes.namespaces.selector) '
        + '&& ((has(l.allowedRoutes.namespaces.selector.matchLabels) && size(l.allowedRoutes.namespaces.selector.matchLabels) > 0) '
        + '|| (has(l.allowedRoutes.namespaces.selector.matchExpressions) && size(l.allowedRoutes.namespaces.selector.matchExpressions) > 0)) '
        + `&& (!has(l.allowedRoutes.namespaces.selector.matchLabels) || l.allowedRoutes.namespaces.selector.matchLabels.all(k, k == '${NAME_LABEL}')) `
        + `&& (!has(l.allowedRoutes.namespaces.selector.matchExpressions) || l.allowedRoutes.namespaces.selector.matchExpressions.all(e, e.key == '${NAME_LABEL}' && e.operator == 'In'))))`,
      message: `every listener admits routes only from its own namespace or namespaces named by ${NAME_LABEL} (never All)`,
    }],
    rego: `problem[msg] {
    l := object.get(obj.spec, "listeners", [])[_]
    reason := open_listener(l)
    msg := sprintf("listener %v %v", [object.get(l, "name", "?"), reason])
  }

  open_listener(l) = "admits routes from all namespaces" {
    object.get(object.get(object.get(l, "allowedRoutes", {}), "namespaces", {}), "from", "Same") == "All"
  }

  open_listener(l) = "admits routes from namespaces not named by kubernetes.io/metadata.name" {
    ns := object.get(object.get(l, "allowedRoutes", {}), "namespaces", {})
    object.get(ns, "from", "Same") == "Selector"
    not named_selector(object.get(ns, "selector", {}))
  }

  open_listener(l) = "has an unknown allowedRoutes.namespaces.from" {
    from := object.get(object.get(object.get(l, "allowedRoutes", {}), "namespaces", {}), "from", "Same")
    not from == "Same"
    not from == "All"
    not from == "Selector"
  }

  named_selector(s) {
    count(object.get(s, "matchLabels", {})) + count(object.get(s, "matchExpressions", [])) > 0
    not unnamed_selector(s)
  }

  unnamed_selector(s) {
    object.get(s, "matchLabels", {})[k]
    k != "${NAME_LABEL}"
  }

  unnamed_selector(s) {
    e := object.get(s, "matchExpressions", [])[_]
    not e.key == "${NAME_LABEL}"
  }

  unnamed_selector(s) {
    e := object.get(s, "matchExpressions", [])[_]
    not e.operator == "In"
  }`,
  },
  evaluate: perObject(['Gateway'], (gateway) => {
    if (apiGroupOf(gateway) !== GATEWAY_GROUP) return [];
    return listenersOf(gateway).flatMap((l) => {
      const why = openness(l.raw?.allowedRoutes);
      return why ? [`listener ${l.name} ${why}`] : [];
    });
  }),
};
