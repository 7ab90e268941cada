import { apiVersionOf, asArray, isEmptySelector, Manifest, namespaceOf, POD_KINDS, podLabelsOf, podMetaOf, podSpecOf, selectorMatches } from '../../manifest';
import { AuditContext, memoized } from '../../practice';
import { labelledBySelector, selectorsByLabel } from '../../selector-index';
import { SharedView } from '../../shared-views';

/** A traffic direction of a NetworkPolicy. */
export type Direction = 'Ingress' | 'Egress';

/** One ingress or egress rule of a NetworkPolicy, with where it sits for messages. */
export interface PolicyRule {
  /** The NetworkPolicy the rule belongs to. */
  readonly policy: Manifest;
  /** Whether it is an ingress or an egress rule. */
  readonly direction: Direction;
  /** Its position in `spec.ingress` or `spec.egress`. */
  readonly index: number;
  /** The rule as written. */
  readonly rule: any;
  /** `from` (ingress) or `to` (egress); empty when the rule names no peers, i.e. admits every peer. */
  readonly peers: any[];
  /** The rule's ports; empty when it names none, i.e. every port. */
  readonly ports: any[];
}

/**
 * The directions a policy isolates: its `policyTypes`, or when absent what the API server defaults them to
 * (`Ingress`, plus `Egress` when the policy has egress rules).
 */
export function policyTypesOf(policy: Manifest): Direction[] {
  const declared = asArray<string>(policy.spec?.policyTypes);
  if (declared.length > 0) return declared.filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  return policy.spec?.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The policy's own target selector; an absent `podSelector` is treated as `{}`, as the API server would. */
export function targetSelectorOf(policy: Manifest): any {
  return policy.spec?.podSelector ?? {};
}

/** Whether the policy selects every pod of its namespace. */
export function selectsWholeNamespace(policy: Manifest): boolean {
  return isEmptySelector(targetSelectorOf(policy));
}

/** Whether `policy` applies to the pods of `workload` (same namespace, target selector matches the pod labels). */
export function policySelects(policy: Manifest, workload: Manifest): boolean {
  return namespaceOf(policy) === namespaceOf(workload) && selectorMatches(targetSelectorOf(policy), podLabelsOf(workload));
}

/**
 * Every NetworkPolicy of the set that applies to `workload`'s pods. Several practices ask it of every workload, so
 * the answer is kept for the audit (read it, never change it).
 */
export function policiesSelecting(ctx: AuditContext, workload: Manifest): readonly Manifest[] {
  const known = memoized(ctx, 'network.policies-selecting', () => new Map<Manifest, Manifest[]>());
  let selecting = known.get(workload);
  if (!selecting) {
    const labels = podLabelsOf(workload);
    selecting = policyIndex(ctx, namespaceOf(workload))(labels).filter((p) => policySelects(p, workload));
    known.set(workload, selecting);
  }
  return selecting;
}

/** The NetworkPolicies of a namespace by the pod labels they could select, built once per audit and namespace. */
function policyIndex(ctx: AuditContext, namespace: string): (labels: Record<string, unknown>) => Manifest[] {
  const byNamespace = memoized(ctx, 'network.policy-index', () => new Map<string, (labels: Record<string, unknown>) => Manifest[]>());
  let index = byNamespace.get(namespace);
  if (!index) {
    index = selectorsByLabel(ctx.inNamespace(namespace, 'NetworkPolicy'), targetSelectorOf);
    byNamespace.set(namespace, index);
  }
  return index;
}

/**
 * The pod-bearing objects of a namespace whose pods `selector` could select (the exact match is the caller's), by
 * their pod labels, built once per audit and namespace.
 */
export function workloadsSelectable(ctx: AuditContext, namespace: string, selector: unknown): readonly Manifest[] {
  const byNamespace = memoized(ctx, 'network.workload-index', () => new Map<string, (selector: unknown) => readonly Manifest[]>());
  let index = byNamespace.get(namespace);
  if (!index) {
    index = labelledBySelector(ctx.inNamespace(namespace, ...POD_KINDS), podLabelsOf);
    byNamespace.set(namespace, index);
  }
  return index(selector);
}

/** The ingress and egress rules of a policy, in order; during an audit built once per policy and shared (frozen). */
export function rulesOf(policy: Manifest): PolicyRule[] {
  return POLICY_RULES.of(policy);
}

const POLICY_RULES = new SharedView<Manifest, PolicyRule[]>((policy) => policyRules(policy));

function policyRules(policy: Manifest): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const [direction, field, peerField] of [['Ingress', 'ingress', 'from'], ['Egress', 'egress', 'to']] as const) {
    asArray(policy.spec?.[field]).forEach((rule, index) => {
      out.push({ policy, direction, index, rule, peers: asArray(rule?.[peerField]), ports: asArray(rule?.ports) });
    });
  }
  return out;
}

/** `ingress[0]` / `egress[2]`, for messages. */
export function ruleLabel(r: PolicyRule): string {
  return `${r.direction.toLowerCase()}[${r.index}]`;
}

/** A CIDR parsed into its family, network bits as an integer, and prefix length. */
export interface Cidr {
  /** IPv4 or IPv6. */
  readonly family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly bits: bigint;
  /** The prefix length; a bare address is a host route (32 or 128). */
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` or an IPv6 `x::y/n` (a bare address counts as a host route); undefined when malformed. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const [addr, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const parsed = addr.includes(':') ? parseIpv6(addr) : parseIpv4(addr);
  if (!parsed) return undefined;
  const width = parsed.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return undefined;
  return { family: parsed.family, bits: parsed.bits, prefix };
}

/** Whether `outer` contains every address of `inner` (same family, shorter or equal prefix, same network bits). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const width = outer.family === 4 ? 32 : 128;
  // Integer division by 2^(host bits) keeps the network bits (no bitwise operators: the lint forbids them).
  const hostSpan = 2n ** BigInt(width - outer.prefix);
  return outer.bits / hostSpan === inner.bits / hostSpan;
}

/**
 * Address space that is not the public internet (IANA special-purpose registries, RFC 6890): private networks, shared
 * CGNAT space (often the pod or service CIDR), loopback, link-local, documentation and benchmark ranges, multicast and
 * reserved blocks. NAT64 (64:ff9b::/96) is left out on purpose: it reaches every public IPv4 address.
 */
const NON_PUBLIC_CIDRS: readonly Cidr[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
  '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
].map((c) => parseCidr(c)!);

/**
 * Whether a well-formed CIDR reaches public address space: it lies inside no private or reserved block. Two `/1`
 * rules reach the whole internet as surely as `0.0.0.0/0`, so each block is judged on its own.
 */
export function reachesPublicSpace(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return parsed !== undefined && !NON_PUBLIC_CIDRS.some((n) => cidrContains(n, parsed));
}

function parseIpv4(text: string): { family: 4; bits: bigint } | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let bits = 0n;
  for (const o of octets) {
    if (!/^\d{1,3}$/.test(o) || Number(o) > 255) return undefined;
    bits = bits * 256n + BigInt(Number(o));
  }
  return { family: 4, bits };
}

function parseIpv6(text: string): { family: 6; bits: bigint } | undefined {
  let groups: string[];
  // An embedded dotted IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let head = text;
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (!v4) return undefined;
    head = `${text.slice(0, lastColon + 1)}${(v4.bits / 65536n).toString(16)}:${(v4.bits % 65536n).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  if (halves.length === 2) {
    const left = halves[0] === '' ? [] : halves[0].split(':');
    const right = halves[1] === '' ? [] : halves[1].split(':');
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  } else {
    groups = head.split(':');
  }
  if (groups.length !== 8) return undefined;
  let bits = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    bits = bits * 65536n + BigInt(parseInt(g, 16));
  }
  return { family: 6, bits };
}

/** The API group of an object (`security.istio.io` for `security.istio.io/v1`, empty for core objects). */
export function apiGroupOf(obj: Manifest): string {
  const apiVersion = apiVersionOf(obj);
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Objects of `kind` from an API group ending in `groupSuffix` (e.g. `istio.io`), so every API version counts. */
export function meshObjects(ctx: AuditContext, kind: string, groupSuffix: string): Manifest[] {
  return ctx.ofKind(kind).filter((o) => apiGroupOf(o).endsWith(groupSuffix));
}

/** Istio's root namespace, where selector-less PeerAuthentication applies mesh-wide. */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

/** A pod-template label, else annotation: Istio reads `sidecar.istio.io/inject` from both. */
function podFlag(workload: Manifest, key: string): string[] {
  const meta = podMetaOf(workload);
  return [meta?.labels?.[key], meta?.annotations?.[key]].filter((v) => v !== undefined && v !== null).map(String);
}

/** Whether the Namespace enrols its pods in Istio (`istio-injection` wins over `istio.io/rev`; ambient counts). */
export function istioNamespaceEnrolled(ns: Manifest | undefined): boolean {
  const labels = ns?.metadata?.labels ?? {};
  if (labels['istio-injection'] !== undefined) return labels['istio-injection'] === 'enabled';
  if (typeof labels['istio.io/rev'] === 'string' && labels['istio.io/rev'] !== '') return true;
  return labels['istio.io/dataplane-mode'] === 'ambient';
}

/** Whether the Namespace enrols its pods in Linkerd (`linkerd.io/inject: enabled` annotation). */
export function linkerdNamespaceEnrolled(ns: Manifest | undefined): boolean {
  return ns?.metadata?.annotations?.['linkerd.io/inject'] === 'enabled';
}

/** Why a workload's pods escape Istio although their namespace is enrolled, or undefined. */
export function istioOptOut(workload: Manifest): string | undefined {
  if (podFlag(workload, 'sidecar.istio.io/inject').includes('false')) return 'its pod template sets sidecar.istio.io/inject: "false"';
  if (podMetaOf(workload)?.labels?.['istio.io/dataplane-mode'] === 'none') return 'its pod template sets istio.io/dataplane-mode: none';
  if (podSpecOf(workload)?.hostNetwork === true) return 'it uses hostNetwork, and host-network pods are never injected';
  return undefined;
}

/** Whether the workload's pod template opts into Istio itself. */
export function istioPodOptIn(workload: Manifest): boolean {
  return podFlag(workload, 'sidecar.istio.io/inject').includes('true') || podMetaOf(workload)?.labels?.['istio.io/dataplane-mode'] === 'ambient';
}

/** The value of a Linkerd annotation on the pod template. */
export function linkerdPodAnnotation(workload: Manifest, key: string): string | undefined {
  const v = podMetaOf(workload)?.annotations?.[key];
  return v === undefined || v === null ? undefined : String(v);
}

/** The workloads of the set enrolled in each mesh: by their Namespace object in the set, or by their own pod template. */
export function meshEnrolment(ctx: AuditContext): { istio: Manifest[]; linkerd: Manifest[] } {
  const namespaces = new Map(ctx.ofKind('Namespace').map((n) => [n.metadata?.name ?? '', n]));
  const istio: Manifest[] = [];
  const linkerd: Manifest[] = [];
  for (const w of ctx.ofKind(...POD_KINDS)) {
    const ns = namespaces.get(namespaceOf(w));
    if (istioNamespaceEnrolled(ns) || istioPodOptIn(w)) istio.push(w);
    if (linkerdNamespaceEnrolled(ns) || linkerdPodAnnotation(w, 'linkerd.io/inject') === 'enabled') linkerd.push(w);
  }
  return { istio, linkerd };
}

/** Whether an Istio policy's `selector.matchLabels` is set and matches the workload's pods in the same namespace. */
export function istioSelects(policy: Manifest, workload: Manifest): boolean {
  const selector = policy.spec?.selector;
  return namespaceOf(policy) === namespaceOf(workload) && !!selector && !isEmptySelector(selector)
    && selectorMatches(selector, podLabelsOf(workload));
}

/** Whether an Istio policy applies to its whole namespace (no selector and no targetRefs). */
export function istioNamespaceWide(policy: Manifest): boolean {
  return (!policy.spec?.selector || isEmptySelector(policy.spec.selector))
    && asArray(policy.spec?.targetRefs).length === 0 && !policy.spec?.targetRef;
}
