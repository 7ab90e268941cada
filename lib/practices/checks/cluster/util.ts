import { asArray, containersOf, ContainerView, Manifest, namespaceOf } from '../../manifest';
import { AuditContext } from '../../practice';

/** A control-plane component's static pod, with the container that runs it and its parsed flags. */
export interface StaticPodComponent {
  /** The Pod (kube-system static pod manifest). */
  readonly pod: Manifest;
  /** The container running the component. */
  readonly container: ContainerView;
  /** `--flag` → value (`true` for a bare flag); the last occurrence wins, as in the components' flag parsing. */
  readonly flags: ReadonlyMap<string, string>;
}

/** Parses `--name=value`, `--name value` and bare `--name` flags of a command line. */
export function parseFlags(tokens: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith('--')) continue;
    const eq = t.indexOf('=');
    if (eq > 0) {
      flags.set(t.slice(2, eq), t.slice(eq + 1));
    } else if (i + 1 < tokens.length && !tokens[i + 1].startsWith('--')) {
      flags.set(t.slice(2), tokens[++i]);
    } else {
      flags.set(t.slice(2), 'true');
    }
  }
  return flags;
}

/**
 * Static pods of `component` (`etcd`, `kube-apiserver`, …): Pods in kube-system with a container whose command
 * starts with that binary, as kubeadm writes them to /etc/kubernetes/manifests.
 */
export function staticPods(ctx: AuditContext, component: string): StaticPodComponent[] {
  const out: StaticPodComponent[] = [];
  for (const pod of ctx.ofKind('Pod')) {
    if (namespaceOf(pod) !== 'kube-system') continue;
    for (const c of containersOf(pod, ['containers'])) {
      const tokens = [...asArray(c.container?.command), ...asArray(c.container?.args)].map(String);
      const binary = tokens[0] ?? '';
      if (binary.slice(binary.lastIndexOf('/') + 1) !== component) continue;
      out.push({ pod, container: c, flags: parseFlags(tokens.slice(1)) });
    }
  }
  return out;
}

/** A comma-separated flag value as a list. */
export function listFlag(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** AEAD suites with forward secrecy (TLS 1.2 ECDHE + GCM/ChaCha20) and the TLS 1.3 suites: the CIS "strong" set. */
const STRONG_CIPHER = /^TLS_(ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305(_SHA256)?)|AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/;

/** The problem with a cipher-suite list (`--tls-cipher-suites` or `tlsCipherSuites`), if any. */
export function cipherProblem(suites: readonly string[], where: string): string | undefined {
  if (suites.length === 0) return `${where} is not set, so the Go defaults (including CBC suites) apply`;
  const weak = suites.filter((s) => !STRONG_CIPHER.test(s));
  return weak.length > 0 ? `${where} allows weak suites: ${weak.join(', ')}` : undefined;
}
