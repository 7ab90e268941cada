import { Size } from 'cdk8s';
import { IConfigMap } from 'cdk8s-plus-28';
import { Building } from './building';
import { configMapKeys } from './config-map';
import { envCredentialProblem } from './credentials';
import { validateImage, ImageRules } from './image';
import { ConfigMapEnvVar, FieldEnvVar, HardenedContainerSpec, SecretEnvVar, SecretMount, SeccompSetting } from './pod-spec';
import { HealthCheck } from './probes';
import { ExceptionSet } from '../exceptions/exception-set';
import { Refuse } from '../refusal';
import { ContainerResources, ResolvedResources, resolveResources, sizeQuantity } from './resources';
import { describeHandler, sameCheck } from '../practices/checks/workload/health-probes';
import { IMountableSecret } from '../secrets/mountable-secret';
import { DeclaredPort } from '../units/declared-port';
import { parseQuantity } from '../units/quantity';

/** A port the container listens on. */
export interface ContainerPort {
  /** Port number, 1024–65535 (lower ports need NET_BIND_SERVICE). */
  readonly port: number;
  /**
   * IANA service name (lower case, at most 15 characters), also the Service port name.
   * @default - `tcp-<port>` (or `udp-`/`sctp-`), which Istio reads as the protocol
   */
  readonly name?: string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** A directory the container may write to, backed by a size-limited emptyDir (HK-WORKLOAD-009). */
export interface WritablePath {
  /** Absolute path. */
  readonly path: string;
  /**
   * Most the directory may hold; counts against the ephemeral-storage limit.
   * @default Size.mebibytes(64)
   */
  readonly sizeLimit?: Size;
}

/** An environment variable read from a Secret key: refused unless HK-SECRETS-005 is excepted. */
export interface SecretEnvSource {
  /** The Secret. */
  readonly secret: IMountableSecret;
  /** The key within it. */
  readonly key: string;
}

/** An environment variable read from a ConfigMap key. */
export interface ConfigMapEnvSource {
  /** The ConfigMap: an ImmutableConfigMap, a cdk8s-plus ConfigMap, or `ConfigMap.fromConfigMapName(…)`. */
  readonly configMap: IConfigMap;
  /** The key within it. */
  readonly key: string;
}

/** Fields of the pod the downward API can put in an environment variable. */
export enum PodField {
  /** The pod's name (`metadata.name`). */
  POD_NAME = 'metadata.name',
  /** The pod's namespace (`metadata.namespace`). */
  POD_NAMESPACE = 'metadata.namespace',
  /** The pod's UID (`metadata.uid`). */
  POD_UID = 'metadata.uid',
  /** The node the pod runs on (`spec.nodeName`). */
  NODE_NAME = 'spec.nodeName',
  /** The pod's ServiceAccount (`spec.serviceAccountName`). */
  SERVICE_ACCOUNT = 'spec.serviceAccountName',
  /** The pod's IP address (`status.podIP`). */
  POD_IP = 'status.podIP',
  /** The node's IP address (`status.hostIP`). */
  HOST_IP = 'status.hostIP',
}

/** `imagePullPolicy` values. */
export enum ImagePullPolicy {
  /** Re-authorise with the registry on every start (HK-IMAGE-004). */
  ALWAYS = 'Always',
  /** Reuse a cached image; needs a recorded HK-IMAGE-004 exception (air-gapped nodes). */
  IF_NOT_PRESENT = 'IfNotPresent',
}

/** One container of a secure workload; the hardening itself is not configurable. */
export interface SecureContainerOptions {
  /**
   * Container name.
   * @default - 'app' for the main container; required for added containers
   */
  readonly name?: string;
  /** Image pinned by digest, `registry/repo[:tag]@sha256:<64 hex>` (HK-IMAGE-001). */
  readonly image: string;
  /** Entrypoint override. @default - the image's entrypoint */
  readonly command?: string[];
  /** Arguments. @default - the image's arguments */
  readonly args?: string[];
  /** Shorthand for `ports: [{ port }]`. @default - no port */
  readonly port?: number;
  /** Declared ports; the Service and NetworkPolicies expose exactly these. @default - no port */
  readonly ports?: ContainerPort[];
  /** Literal environment variables; never credentials (HK-SECRETS-006). @default - none */
  readonly env?: Record<string, string>;
  /** Environment variables from Secret keys; refused unless HK-SECRETS-005 is excepted. Prefer `mountSecret`. @default - none */
  readonly secretEnv?: Record<string, SecretEnvSource>;
  /** Environment variables from ConfigMap keys (the key must exist: `optional: false`). @default - none */
  readonly configMapEnv?: Record<string, ConfigMapEnvSource>;
  /** Environment variables from the downward API, e.g. `{ POD_NAME: PodField.POD_NAME }`. @default - none */
  readonly fieldEnv?: Record<string, PodField>;
  /**
   * A command run in the container before it is stopped (lifecycle preStop), e.g. to drain connections; it counts
   * against the termination grace period.
   * @default - none
   */
  readonly preStop?: string[];
  /** Requests and limits (HK-WORKLOAD-019). @default - see ContainerResources */
  readonly resources?: ContainerResources;
  /**
   * Readiness check (HK-WORKLOAD-020): can the pod serve traffic now. Required on long-running workloads whenever
   * the liveness check is the default TCP connect, because two checks of the same thing are refused.
   * @default - HealthCheck.tcpSocket() on the first TCP port, only when the livenessProbe checks something else
   */
  readonly readinessProbe?: HealthCheck;
  /**
   * Liveness check (is the process stuck), with another handler than readiness (kube-score pod-probes-identical).
   * @default - HealthCheck.tcpSocket() on the first TCP port, more tolerant than readiness
   */
  readonly livenessProbe?: HealthCheck;
  /** Startup check, for slow starters. @default - none */
  readonly startupProbe?: HealthCheck;
  /**
   * Directories the process writes to (the root filesystem is read-only).
   * @default [{ path: '/tmp', sizeLimit: Size.mebibytes(64) }]
   */
  readonly writablePaths?: WritablePath[];
  /**
   * Linux capabilities added after ALL are dropped (HK-WORKLOAD-007). Each needs a recorded HK-WORKLOAD-007 exception
   * naming it, NET_BIND_SERVICE included.
   * @default - none; every capability is dropped
   */
  readonly addCapabilities?: string[];
  /** @default ImagePullPolicy.ALWAYS */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Whether the root filesystem is read-only; false needs a recorded HK-WORKLOAD-009 exception.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
}

/** What a container is resolved against: the pod's identity and the owner's rules. */
export interface ContainerContext {
  readonly refuse: Refuse;
  readonly exceptions: ExceptionSet;
  readonly image: ImageRules;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly seccomp: SeccompSetting;
  /** Whether the container is an init container (no probes, no ports served). */
  readonly init: boolean;
  /** Whether the pod runs to completion (jobs): no readiness or liveness required. */
  readonly runsToCompletion: boolean;
  /** Secrets mounted into this container. */
  readonly secrets: readonly SecretMount[];
  /** Whether the projected API token is mounted. */
  readonly mountToken: boolean;
}

/** Every Linux capability the kernel knows (capabilities(7)), without the CAP_ prefix. */
export const LINUX_CAPABILITIES: readonly string[] = [
  'AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'BPF', 'CHECKPOINT_RESTORE', 'CHOWN', 'DAC_OVERRIDE',
  'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN',
  'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'PERFMON', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE',
  'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM',
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Whether `path` is an absolute, normalised path that is not the root. */
export function isAbsoluteDirectory(path: unknown): path is string {
  return typeof path === 'string' && /^\/[^\0]*$/.test(path) && path !== '/' && !path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..');
}

/** Validates and normalises declared ports. */
export function resolvePorts(refuse: Refuse, prop: string, options: Pick<SecureContainerOptions, 'port' | 'ports' | 'addCapabilities'>, exceptions: ExceptionSet): DeclaredPort[] {
  const given: ContainerPort[] = [...(options.port !== undefined ? [{ port: options.port }] : []), ...(options.ports ?? [])];
  const out: DeclaredPort[] = [];
  given.forEach((p, i) => {
    const where = options.port !== undefined && i === 0 ? prop.replace(/ports$/, 'port') : `${prop}[${options.port !== undefined ? i - 1 : i}]`;
    const n = p?.port;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      refuse(where, `is ${JSON.stringify(n) ?? 'undefined'}, not a port number`, 'give an integer from 1024 to 65535.');
    }
    if (n === 22 && !exceptions.excuses('HK-IMAGE-006')) {
      refuse(where, 'is 22, an SSH port', 'remove the SSH daemon from the image; use `kubectl debug` for interactive access.', 'HK-IMAGE-006', true);
    }
    if (n < 1024 && !(options.addCapabilities ?? []).includes('NET_BIND_SERVICE')) {
      refuse(where, `is ${n}, a privileged port a non-root process cannot bind`, 'listen on a port from 1024 up (the Service can still expose any port).', 'HK-WORKLOAD-007');
    }
    const protocol = p.protocol ?? 'TCP';
    if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) refuse(`${where}.protocol`, `is '${String(protocol)}'`, 'use \'TCP\', \'UDP\' or \'SCTP\'.');
    const name = p.name ?? `${protocol.toLowerCase()}-${n}`;
    if (typeof name !== 'string' || name.length > 15 || !PORT_NAME.test(name)) {
      refuse(`${where}.name`, `is '${String(name)}', not an IANA service name`, 'use at most 15 lower-case letters, digits and \'-\', with at least one letter.');
    }
    if (out.some((o) => o.port === n && o.protocol === protocol)) refuse(where, `declares ${protocol} ${n} twice`, 'declare each port once.');
    if (out.some((o) => o.name === name)) refuse(`${where}.name`, `is '${name}' again`, 'give each port its own name.');
    out.push({ port: n, name, protocol });
  });
  return out;
}

/** Resolves one container's options into the builder's input, refusing anything insecure or malformed. */
export function resolveContainer(ctx: ContainerContext, prop: string, options: SecureContainerOptions, defaultName?: string): HardenedContainerSpec {
  const refuse: Refuse = ctx.refuse;
  const exceptions = ctx.exceptions;
  if (options === null || typeof options !== 'object') refuse(prop, `is ${String(options)}, not container options`, 'pass { name, image, … }.');
  const name = options.name ?? defaultName;
  const p = (field: string) => (prop === '' ? field : `${prop}.${field}`);
  if (typeof name !== 'string' || name.length > 63 || !DNS_LABEL.test(name)) {
    refuse(p('name'), `is ${name === undefined ? 'missing' : `'${String(name)}'`}, not a DNS label`, 'name the container with lower-case letters, digits and \'-\'.');
  }
  const image = validateImage(refuse, p('image'), options.image, ctx.image);
  const ports = resolvePorts(refuse, p('ports'), options, exceptions);
  const capabilities = resolveCapabilities(refuse, p('addCapabilities'), options.addCapabilities, exceptions);

  const pull = options.imagePullPolicy ?? ImagePullPolicy.ALWAYS;
  if (pull !== ImagePullPolicy.ALWAYS && !(pull === ImagePullPolicy.IF_NOT_PRESENT && exceptions.excuses('HK-IMAGE-004'))) {
    refuse(p('imagePullPolicy'), `is '${String(pull)}'`, 'keep ImagePullPolicy.ALWAYS (the digest keeps pulls deterministic).', 'HK-IMAGE-004', true);
  }
  const readOnlyRoot = options.readOnlyRootFilesystem ?? true;
  if (readOnlyRoot !== true && !(readOnlyRoot === false && exceptions.excuses('HK-WORKLOAD-009'))) {
    refuse(p('readOnlyRootFilesystem'), `is ${String(readOnlyRoot)}`, 'keep the root read-only and declare writablePaths for the directories the process writes.', 'HK-WORKLOAD-009', true);
  }
  const command = words(refuse, p('command'), options.command);
  const args = words(refuse, p('args'), options.args);
  if (command && (command[0] === 'sudo' || command[0].endsWith('/sudo')) && !exceptions.excuses('HK-IMAGE-006')) {
    refuse(p('command'), `starts with '${command[0]}'`, 'run the process directly as its non-root user.', 'HK-IMAGE-006', true);
  }

  const env = resolveEnv(refuse, p('env'), options.env);
  const secretEnv = resolveSecretEnv(refuse, p('secretEnv'), options.secretEnv, exceptions);
  for (const e of secretEnv) if (e.name in env) refuse(p('secretEnv'), `sets '${e.name}', which env sets too`, 'set each variable once.');
  const configMapEnv = resolveConfigMapEnv(refuse, p('configMapEnv'), options.configMapEnv);
  const fieldEnv = resolveFieldEnv(refuse, p('fieldEnv'), options.fieldEnv);
  const names = [...Object.keys(env), ...secretEnv.map((e) => e.name), ...configMapEnv.map((e) => e.name), ...fieldEnv.map((e) => e.name)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) refuse(p('env'), `sets '${twice}' twice (env, secretEnv, configMapEnv and fieldEnv share one namespace)`, 'set each variable once.');
  const preStop = words(refuse, p('preStop'), options.preStop);
  const resources = resolveResources(refuse, p('resources'), options.resources, exceptions);
  const writablePaths = resolveWritablePaths(refuse, p('writablePaths'), options.writablePaths);
  checkScratchFits(refuse, p('writablePaths'), writablePaths, resources);
  const mounted = [...writablePaths.map((w) => w.path), ...ctx.secrets.map((s) => s.path)];
  if (new Set(mounted).size !== mounted.length) {
    refuse(p('writablePaths'), `mounts the same path twice (${mounted.join(', ')})`, 'give every writable path and Secret its own directory.');
  }

  if (ctx.init) refuseInitOnly(refuse, p, options);
  const probes: HardenedContainerSpec['probes'] = ctx.init ? {} : resolveProbes(ctx, p, options, ports);
  // Field by field (a literal of conditional spreads costs V8's optimizing compiler far more: see hardenedContainer).
  const spec: Building<HardenedContainerSpec> = { name, image, imagePullPolicy: pull } as Building<HardenedContainerSpec>;
  if (command) spec.command = command;
  if (args) spec.args = args;
  spec.ports = ports;
  spec.env = env;
  spec.secretEnv = secretEnv;
  spec.configMapEnv = configMapEnv;
  spec.fieldEnv = fieldEnv;
  if (preStop) spec.preStop = preStop;
  spec.resources = resources;
  spec.probes = probes;
  spec.runAsUser = ctx.runAsUser;
  spec.runAsGroup = ctx.runAsGroup;
  spec.addCapabilities = capabilities;
  spec.seccomp = ctx.seccomp;
  spec.readOnlyRootFilesystem = readOnlyRoot;
  spec.writablePaths = writablePaths;
  spec.secrets = ctx.secrets;
  spec.mountToken = ctx.mountToken;
  return spec;
}

/**
 * An init container runs to completion before the others start: the API server refuses probes and lifecycle hooks
 * on it (only a restartable sidecar init container may have them: `addSidecarInitContainer`), so they are refused
 * here rather than dropped without a word.
 */
function refuseInitOnly(refuse: Refuse, p: (f: string) => string, options: SecureContainerOptions): void {
  for (const field of ['readinessProbe', 'livenessProbe', 'startupProbe', 'preStop'] as const) {
    if (options[field] === undefined) continue;
    refuse(p(field), `is set on an init container, which runs to completion before the other containers start; the kubelet never ${field === 'preStop' ? 'runs its hooks' : 'probes it'} and the API server refuses the field`,
      'remove it; a helper that keeps running beside the application is a sidecar: addContainer({ … }).');
  }
}

function resolveProbes(ctx: ContainerContext, p: (f: string) => string, options: SecureContainerOptions, ports: DeclaredPort[]): HardenedContainerSpec['probes'] {
  const refuse: Refuse = ctx.refuse;
  const tcp = ports.find((x) => x.protocol === 'TCP');
  const check = (given: HealthCheck | undefined, prop: string) => {
    if (given !== undefined && !(given instanceof HealthCheck)) refuse(p(prop), `is ${String(given)}, not a HealthCheck`, 'build it with HealthCheck.httpGet, .grpc, .tcpSocket or .exec.');
    return given;
  };
  const givenReadiness = check(options.readinessProbe, 'readinessProbe');
  const givenLiveness = check(options.livenessProbe, 'livenessProbe');
  // Missing checks default to a TCP connect on the first port; jobs and excepted containers get none.
  const pick = (given: HealthCheck | undefined, role: 'readiness' | 'liveness') => {
    if (given !== undefined) return given;
    if (ctx.runsToCompletion || ctx.exceptions.excuses('HK-WORKLOAD-020')) return undefined;
    if (!tcp) {
      refuse(p(`${role}Probe`), 'is missing and the container declares no TCP port to check',
        'pass readinessProbe and livenessProbe (e.g. HealthCheck.exec([...])), or declare the port the process serves.', 'HK-WORKLOAD-020', true);
    }
    return HealthCheck.tcpSocket();
  };
  const readiness = pick(givenReadiness, 'readiness')?._toKube(refuse, p('readinessProbe'), 'readiness', ports);
  const liveness = pick(givenLiveness, 'liveness')?._toKube(refuse, p('livenessProbe'), 'liveness', ports);
  const startup = check(options.startupProbe, 'startupProbe')?._toKube(refuse, p('startupProbe'), 'startup', ports);
  const declared = ports.map((x) => ({ name: x.name, containerPort: x.port }));
  // A recorded HK-WORKLOAD-020 exception (an application with one health endpoint) keeps both checks as given.
  if (readiness && liveness && sameCheck(readiness, liveness, declared) && !ctx.exceptions.excuses('HK-WORKLOAD-020')) {
    if (givenReadiness === undefined && givenLiveness === undefined) {
      refuse(p('readinessProbe'), `is missing, and the default readiness and liveness checks would be the same TCP connect to port ${tcp!.port} (kube-score pod-probes-identical)`,
        'pass a readinessProbe that asks the application whether it can serve, e.g. HealthCheck.httpGet(\'/ready\') or HealthCheck.exec([...]); the livenessProbe then stays the TCP check.',
        'HK-WORKLOAD-020', true);
    }
    refuse(p(givenLiveness === undefined ? 'readinessProbe' : 'livenessProbe'),
      `checks the same thing as the ${givenLiveness === undefined ? 'default livenessProbe' : 'readinessProbe'} (${describeHandler(readiness)}), so a slow dependency restarts the pod (kube-score pod-probes-identical)`,
      'give the two checks different handlers, e.g. readiness HealthCheck.httpGet(\'/ready\') and liveness HealthCheck.httpGet(\'/healthz\') or HealthCheck.tcpSocket(); timings alone do not make them differ.',
      'HK-WORKLOAD-020', true);
  }
  const probes: Building<HardenedContainerSpec['probes']> = {};
  if (readiness) probes.readiness = readiness;
  if (liveness) probes.liveness = liveness;
  if (startup) probes.startup = startup;
  return probes;
}

function words(refuse: Refuse, prop: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((w) => typeof w !== 'string')) {
    refuse(prop, `is ${JSON.stringify(value)}, not a non-empty list of strings`, 'give a list of words, e.g. [\'/app/server\', \'--port=8080\'].');
  }
  return [...value];
}

function resolveCapabilities(refuse: Refuse, prop: string, caps: unknown, exceptions: ExceptionSet): string[] {
  if (caps === undefined) return [];
  if (!Array.isArray(caps)) refuse(prop, `is ${JSON.stringify(caps)}, not a list`, 'give capability names, e.g. [\'NET_BIND_SERVICE\'].', 'HK-WORKLOAD-007');
  const out: string[] = [];
  for (const cap of caps) {
    if (typeof cap !== 'string' || !LINUX_CAPABILITIES.includes(cap)) {
      const hint = typeof cap === 'string' && LINUX_CAPABILITIES.includes(cap.toUpperCase().replace(/^CAP_/, ''))
        ? `write '${cap.toUpperCase().replace(/^CAP_/, '')}'.` : 'use a capability name from capabilities(7) without the CAP_ prefix, e.g. \'NET_BIND_SERVICE\'.';
      refuse(prop, `holds ${JSON.stringify(cap) ?? 'undefined'}, which is no Linux capability`, hint, 'HK-WORKLOAD-007');
    }
    if (cap === 'ALL') refuse(prop, 'holds \'ALL\'', 'add only the capabilities the process needs.', 'HK-WORKLOAD-007');
    if (!exceptions.excuses('HK-WORKLOAD-007')) {
      refuse(prop, `holds '${cap}', an added capability without a recorded reason`,
        cap === 'NET_BIND_SERVICE' ? 'listen on a port from 1024 up instead.' : 'drop it; most processes need no capability at all.', 'HK-WORKLOAD-007', true);
    }
    if (!out.includes(cap)) out.push(cap);
  }
  return out.sort();
}

function resolveEnv(refuse: Refuse, prop: string, env: unknown): Record<string, string> {
  if (env === undefined) return {};
  if (env === null || typeof env !== 'object' || Array.isArray(env)) refuse(prop, 'is not a map of names to values', 'give { NAME: \'value\' }.');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_NAME.test(name)) refuse(`${prop}.${name}`, 'is not a valid variable name', 'use letters, digits, \'_\', \'-\' and \'.\', not starting with a digit.');
    if (typeof value !== 'string') refuse(`${prop}.${name}`, `is ${JSON.stringify(value) ?? 'undefined'}, not a string`, 'give the value as a string.');
    const credential = envCredentialProblem(name, value);
    if (credential) {
      refuse(`${prop}.${name}`, `${credential} (its value is not shown)`,
        'keep the credential in a Secret (EncryptedSecret, SealedSecret, ExternalSecret) and mountSecret() it as a file; a program that '
        + 'only reads it from the environment gets it through secretEnv (with a recorded HK-SECRETS-005 exception), and a URL '
        + 'refers to it as $(VAR), e.g. \'postgres://app:$(DB_PASSWORD)@db:5432/shop\'.', 'HK-SECRETS-006');
    }
    out[name] = value;
  }
  return out;
}

function resolveSecretEnv(refuse: Refuse, prop: string, env: unknown, exceptions: ExceptionSet): SecretEnvVar[] {
  if (env === undefined) return [];
  if (env === null || typeof env !== 'object' || Array.isArray(env)) refuse(prop, 'is not a map of names to Secret keys', 'give { NAME: { secret, key } }.', 'HK-SECRETS-005');
  const entries = Object.entries(env as Record<string, SecretEnvSource>);
  if (entries.length > 0 && !exceptions.excuses('HK-SECRETS-005')) {
    refuse(prop, `exposes a Secret as environment variable${entries.length > 1 ? 's' : ''} (${entries.map(([n]) => n).join(', ')})`,
      'mount the Secret as read-only files with mountSecret(secret, path).', 'HK-SECRETS-005', true);
  }
  return entries.map(([name, src]) => {
    if (!ENV_NAME.test(name)) refuse(`${prop}.${name}`, 'is not a valid variable name', 'use letters, digits, \'_\', \'-\' and \'.\'.');
    if (!src?.secret || typeof src.secret.secretName !== 'string' || typeof src.key !== 'string' || !src.secret.keys.includes(src.key)) {
      refuse(`${prop}.${name}`, 'names no key of the Secret', 'give { secret, key } with a key the Secret holds.', 'HK-SECRETS-005');
    }
    return { name, secretName: src.secret.secretName, key: src.key };
  });
}

function resolveWritablePaths(refuse: Refuse, prop: string, paths: unknown): Array<{ path: string; sizeLimit: string }> {
  const given = paths === undefined ? [{ path: '/tmp' }] : paths;
  if (!Array.isArray(given)) refuse(prop, 'is not a list', 'give [{ path: \'/tmp\', sizeLimit: Size.mebibytes(64) }].', 'HK-WORKLOAD-009');
  const out: Array<{ path: string; sizeLimit: string }> = [];
  given.forEach((w: WritablePath, i: number) => {
    if (!isAbsoluteDirectory(w?.path)) {
      refuse(`${prop}[${i}].path`, `is ${JSON.stringify(w?.path) ?? 'undefined'}, not an absolute directory`, 'give an absolute path such as \'/var/cache/app\'.', 'HK-WORKLOAD-009');
    }
    const size = w.sizeLimit === undefined ? '64Mi' : w.sizeLimit instanceof Size ? sizeQuantity(w.sizeLimit) : undefined;
    if (size === undefined) {
      refuse(`${prop}[${i}].sizeLimit`, 'is not a positive whole number of KiB', 'bound the directory, e.g. Size.mebibytes(64).', 'HK-WORKLOAD-009');
    }
    out.push({ path: w.path, sizeLimit: size });
  });
  return out;
}

function resolveConfigMapEnv(refuse: Refuse, prop: string, env: unknown): ConfigMapEnvVar[] {
  if (env === undefined) return [];
  if (env === null || typeof env !== 'object' || Array.isArray(env)) refuse(prop, `is ${JSON.stringify(env)}, not a map of names to ConfigMap keys`, 'give { NAME: { configMap, key } }.');
  return Object.keys(env).sort().map((name) => {
    const src = (env as Record<string, ConfigMapEnvSource>)[name];
    if (!ENV_NAME.test(name)) refuse(`${prop}.${name}`, 'is not a valid variable name', 'use letters, digits, \'_\', \'-\' and \'.\'.');
    const configMapName = src?.configMap?.name;
    if (typeof configMapName !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(configMapName)) {
      refuse(`${prop}.${name}.configMap`, `is ${String(src?.configMap)}, not a ConfigMap`, 'pass an ImmutableConfigMap, a cdk8s-plus ConfigMap or ConfigMap.fromConfigMapName(…).');
    }
    const keys = configMapKeys(src.configMap);
    if (typeof src.key !== 'string' || (keys !== undefined && !keys.includes(src.key))) {
      refuse(`${prop}.${name}.key`, `is ${JSON.stringify(src.key) ?? 'undefined'}, no key of ConfigMap '${configMapName}'${keys ? ` (${keys.join(', ')})` : ''}`, 'name a key the ConfigMap holds.');
    }
    return { name, configMapName, key: src.key };
  });
}

function resolveFieldEnv(refuse: Refuse, prop: string, env: unknown): FieldEnvVar[] {
  if (env === undefined) return [];
  if (env === null || typeof env !== 'object' || Array.isArray(env)) refuse(prop, `is ${JSON.stringify(env)}, not a map of names to pod fields`, 'give { POD_NAME: PodField.POD_NAME }.');
  const fields = Object.values(PodField) as string[];
  return Object.keys(env).sort().map((name) => {
    const field = (env as Record<string, unknown>)[name];
    if (!ENV_NAME.test(name)) refuse(`${prop}.${name}`, 'is not a valid variable name', 'use letters, digits, \'_\', \'-\' and \'.\'.');
    if (typeof field !== 'string' || !fields.includes(field)) {
      refuse(`${prop}.${name}`, `is ${JSON.stringify(field) ?? 'undefined'}, not a PodField`, 'use PodField.POD_NAME, .POD_NAMESPACE, .POD_UID, .NODE_NAME, .SERVICE_ACCOUNT, .POD_IP or .HOST_IP.');
    }
    return { name, fieldPath: field };
  });
}

/**
 * The emptyDirs of a container count against its ephemeral-storage limit: a directory allowed to grow past the limit
 * gets the pod evicted before its own sizeLimit is reached, so the sizes must fit.
 */
function checkScratchFits(
  refuse: Refuse, prop: string, paths: ReadonlyArray<{ path: string; sizeLimit: string }>, resources: ResolvedResources,
): void {
  const limit = resources.limits['ephemeral-storage'];
  if (limit === undefined) return;
  const total = paths.reduce((sum, w) => sum + (parseQuantity(w.sizeLimit) ?? 0), 0);
  const max = parseQuantity(limit) ?? Infinity;
  if (total > max) {
    refuse(prop, `may hold ${paths.map((w) => w.sizeLimit).join(' + ')}, more than the ephemeral-storage limit ${limit}, so the kubelet evicts the pod before a directory is full`,
      'lower the sizeLimits or raise resources.ephemeralStorage.limit.', 'HK-WORKLOAD-009');
  }
}
