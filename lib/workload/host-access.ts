import { isAbsoluteDirectory } from './container';
import { HostPathMount } from './pod-spec';
import { ExceptionSet } from '../exceptions/exception-set';
import { Refuse } from '../refusal';

/** A directory of the node, mounted read-only. */
export interface HostPathOptions {
  /** Absolute directory on the node, e.g. `/var/log`. */
  readonly hostPath: string;
  /**
   * Absolute directory in the container.
   * @default - the same path as on the node
   */
  readonly mountPath?: string;
}

/**
 * Host access of a node agent or cluster job. Each kind of access is refused unless the workload records an exception
 * for its practice with the reason: host paths HK-WORKLOAD-011, host namespaces HK-WORKLOAD-010. Host paths are
 * always read-only; container-runtime sockets and the node's root are never mounted.
 */
export interface HostAccessProps {
  /** Node directories mounted read-only into the main container (HK-WORKLOAD-011). @default - none */
  readonly hostPaths?: HostPathOptions[];
  /** Share the node's network namespace (HK-WORKLOAD-010). @default false */
  readonly hostNetwork?: boolean;
  /** Share the node's PID namespace (HK-WORKLOAD-010). @default false */
  readonly hostPid?: boolean;
}

/** Host access, validated. */
export interface ResolvedHostAccess {
  readonly hostPaths: HostPathMount[];
  readonly hostNetwork: boolean;
  readonly hostPid: boolean;
}

/**
 * Paths whose read-only mount still hands over the node: a Unix socket accepts connections on a read-only mount, and
 * these directories hold the container runtime's sockets (or everything). Credentials on the node (kubeconfigs, PKI)
 * are judged by the reason of the recorded exception instead: the CIS benchmark must read them.
 */
const NEVER_MOUNTED = ['/', '/run', '/var/run', '/var/run/docker.sock', '/run/docker.sock', '/run/containerd', '/var/run/containerd',
  '/run/crio', '/var/run/crio', '/var/lib/docker', '/var/lib/containerd'];

/** Whether the workload's pods need a namespace laxer than PSA restricted. */
export function needsPrivilegedNamespace(access: ResolvedHostAccess): boolean {
  return access.hostNetwork || access.hostPid || access.hostPaths.length > 0;
}

/** Validates host access against the recorded exceptions. */
export function resolveHostAccess(refuse: Refuse, exceptions: ExceptionSet, props: HostAccessProps): ResolvedHostAccess {
  const flag = (prop: 'hostNetwork' | 'hostPid'): boolean => {
    const v = props[prop] ?? false;
    if (typeof v !== 'boolean') refuse(prop, `is ${JSON.stringify(v)}, not true or false`, 'give true or false.', 'HK-WORKLOAD-010');
    if (v && !exceptions.excuses('HK-WORKLOAD-010')) {
      refuse(prop, 'is true, sharing a namespace of the node', 'keep the pod in its own namespaces; a node agent rarely needs the node\'s.', 'HK-WORKLOAD-010', true);
    }
    return v;
  };
  const hostNetwork = flag('hostNetwork');
  const hostPid = flag('hostPid');
  const given = props.hostPaths ?? [];
  if (!Array.isArray(given)) refuse('hostPaths', `is ${JSON.stringify(given)}, not a list`, 'give [{ hostPath: \'/var/log\' }].', 'HK-WORKLOAD-011');
  const hostPaths: HostPathMount[] = given.map((h: HostPathOptions, i: number) => {
    const prop = `hostPaths[${i}]`;
    if (h === null || typeof h !== 'object') refuse(prop, `is ${JSON.stringify(h)}, not { hostPath }`, 'give { hostPath: \'/var/log\' }.', 'HK-WORKLOAD-011');
    if (!isAbsoluteDirectory(h.hostPath) && h.hostPath !== '/') {
      refuse(`${prop}.hostPath`, `is ${JSON.stringify(h.hostPath) ?? 'undefined'}, not an absolute directory`, 'give a node directory such as \'/var/log\'.', 'HK-WORKLOAD-011');
    }
    if (NEVER_MOUNTED.some((n) => h.hostPath === n || n.startsWith(`${h.hostPath}/`) || (n !== '/' && h.hostPath.startsWith(`${n}/`)))) {
      refuse(`${prop}.hostPath`, `is '${h.hostPath}', which is or holds the node root or the container runtime's socket; a read-only mount still hands over the node`,
        'mount only the directory the agent reads, e.g. \'/var/log\'.', 'HK-WORKLOAD-011');
    }
    const mountPath = h.mountPath ?? h.hostPath;
    if (!isAbsoluteDirectory(mountPath)) {
      refuse(`${prop}.mountPath`, `is ${JSON.stringify(mountPath)}, not an absolute directory`, 'give a directory such as \'/host/var/log\'.', 'HK-WORKLOAD-011');
    }
    if (!exceptions.excuses('HK-WORKLOAD-011')) {
      refuse(`${prop}.hostPath`, `is '${h.hostPath}', a directory of the node`, 'read the data through the API or a volume instead', 'HK-WORKLOAD-011', true);
    }
    return { hostPath: h.hostPath, mountPath };
  });
  const mounts = hostPaths.map((h) => h.mountPath);
  if (new Set(mounts).size !== mounts.length) refuse('hostPaths', `mounts the same path twice (${mounts.join(', ')})`, 'give every host path its own mountPath.', 'HK-WORKLOAD-011');
  return { hostPaths, hostNetwork, hostPid };
}
