import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Refuse } from '../refusal';
import { DeclaredPort } from '../units/declared-port';

/** Timing of a health check; every field is written explicitly. */
export interface HealthCheckOptions {
  /**
   * The declared container port to probe (httpGet and tcpSocket only).
   * @default - the container's first declared port
   */
  readonly port?: number;
  /** How often to probe. @default - 5 seconds for readiness, 10 for liveness and startup */
  readonly period?: Duration;
  /** How long one probe may take. @default Duration.seconds(1) */
  readonly timeout?: Duration;
  /** Wait before the first probe. @default - 0 for readiness and startup, 10 seconds for liveness */
  readonly initialDelay?: Duration;
  /** Consecutive failures before acting. @default - 3 for readiness, 6 for liveness, 30 for startup */
  readonly failureThreshold?: number;
}

/** Options of an HTTP health check. */
export interface HttpHealthCheckOptions extends HealthCheckOptions {
  /**
   * `HTTPS` for a container that serves TLS only; the kubelet does not verify the certificate.
   * @default 'HTTP'
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
  /**
   * Request headers (e.g. `Accept`); never credentials, which would sit in the pod spec in clear (HK-SECRETS-006),
   * and never `Host`, which would point the check at another virtual host.
   * @default - none
   */
  readonly headers?: Record<string, string>;
}

/** Options of a gRPC health check (the standard grpc.health.v1 protocol). */
export interface GrpcHealthCheckOptions extends HealthCheckOptions {
  /**
   * The service name sent in the health request.
   * @default - the server's overall health ('')
   */
  readonly service?: string;
}

/** Which probe a health check is rendered as; each has its own defaults, so readiness and liveness always differ. */
export type ProbeRole = 'readiness' | 'liveness' | 'startup';

const ROLE_DEFAULTS: Record<ProbeRole, { period: number; initialDelay: number; failureThreshold: number }> = {
  readiness: { period: 5, initialDelay: 0, failureThreshold: 3 },
  liveness: { period: 10, initialDelay: 10, failureThreshold: 6 },
  startup: { period: 10, initialDelay: 0, failureThreshold: 30 },
};

/** The timing fields of a rendered probe. */
type ProbeTiming = Pick<k8s.Probe, 'periodSeconds' | 'timeoutSeconds' | 'initialDelaySeconds' | 'failureThreshold'> & Record<'periodSeconds' | 'timeoutSeconds' | 'initialDelaySeconds' | 'failureThreshold', number>;

/** Longest probe period: a check every few minutes leaves a dead container serving (or unrestarted) that long. */
export const MAX_PROBE_PERIOD_SECONDS = 300;
/** Longest initial delay: a slow start is a startup probe's job, which stops waiting as soon as the container is up. */
export const MAX_PROBE_INITIAL_DELAY_SECONDS = 600;
/**
 * Longest start-up allowance of a startup probe (initial delay + period × failureThreshold): one hour. A container
 * that has not started by then is hung, and the kubelet should restart it; work that takes longer before serving (a
 * data migration, a cache warm-up of hours) belongs in a Job or an init container, not in a probe's patience.
 */
export const MAX_STARTUP_PROBE_BUDGET_SECONDS = 3600;

/**
 * Timings the API server accepts but that make the probe say something else than it seems: a timeout longer than the
 * period (the kubelet waits for each probe, so the check runs less often than written), a period of many minutes, an
 * initial delay that a startup probe should cover, a failure threshold that leaves a broken container alone for hours.
 */
function refuseNonsenseTiming(refuse: Refuse, prop: string, role: ProbeRole, t: ProbeTiming): void {
  if (t.timeoutSeconds > t.periodSeconds) {
    refuse(`${prop}.timeout`, `is ${t.timeoutSeconds} seconds, longer than the period of ${t.periodSeconds} seconds, so the kubelet probes less often than the period says`,
      'give a timeout no longer than the period (a slow check needs a longer period).', 'HK-WORKLOAD-020');
  }
  if (t.periodSeconds > MAX_PROBE_PERIOD_SECONDS) {
    refuse(`${prop}.period`, `is ${t.periodSeconds} seconds, so a failure goes unnoticed for minutes`,
      `give a period of at most ${MAX_PROBE_PERIOD_SECONDS} seconds.`, 'HK-WORKLOAD-020');
  }
  if (t.initialDelaySeconds > MAX_PROBE_INITIAL_DELAY_SECONDS) {
    refuse(`${prop}.initialDelay`, `is ${t.initialDelaySeconds} seconds, so a container that never starts is noticed only after that`,
      `give at most ${MAX_PROBE_INITIAL_DELAY_SECONDS} seconds; for a slow start give a startupProbe, which stops waiting as soon as the container is up.`, 'HK-WORKLOAD-020');
  }
  // The startup probe's budget (period × threshold) is the start-up allowance; the others act on failures of a running container.
  const window = t.periodSeconds * t.failureThreshold;
  if (role !== 'startup' && window > MAX_PROBE_INITIAL_DELAY_SECONDS) {
    refuse(`${prop}.failureThreshold`, `is ${t.failureThreshold}, so a ${role} failure is acted on only after ${window} seconds (period × threshold)`,
      `keep period × failureThreshold at most ${MAX_PROBE_INITIAL_DELAY_SECONDS} seconds.`, 'HK-WORKLOAD-020');
  }
  const budget = t.initialDelaySeconds + window;
  if (role === 'startup' && budget > MAX_STARTUP_PROBE_BUDGET_SECONDS) {
    refuse(`${prop}.failureThreshold`, `is ${t.failureThreshold}, so a container that never starts is restarted only after ${budget} seconds `
      + '(initial delay + period × threshold)',
    `keep the start-up allowance at most ${MAX_STARTUP_PROBE_BUDGET_SECONDS} seconds (1 hour); longer work before serving belongs in a Job or an init container.`,
    'HK-WORKLOAD-020');
  }
}

/**
 * How the kubelet checks a container (HK-WORKLOAD-020). Probes never name a `host`, so they cannot be pointed at
 * another machine (HK-WORKLOAD-018), and network probes target declared ports only.
 */
export class HealthCheck {
  /** An HTTP (or HTTPS) GET of `path` on a declared port; any 2xx or 3xx answer passes. */
  public static httpGet(path: string, options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('httpGet', options, path);
  }

  /** A gRPC health check (grpc.health.v1) on a declared port; GA since Kubernetes 1.27. */
  public static grpc(options: GrpcHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('grpc', options);
  }

  /** A TCP connect to a declared port. */
  public static tcpSocket(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('tcpSocket', options);
  }

  /** A command run inside the container; exit code 0 passes. */
  public static exec(command: string[], options: Omit<HealthCheckOptions, 'port'> = {}): HealthCheck {
    return new HealthCheck('exec', options, undefined, command);
  }

  private constructor(
    private readonly kind: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc',
    private readonly options: HttpHealthCheckOptions & GrpcHealthCheckOptions,
    private readonly path?: string,
    private readonly command?: string[],
  ) {}

  /**
   * Renders the probe for `role`, validating it against the container's declared ports.
   * @internal
   */
  public _toKube(refuse: Refuse, prop: string, role: ProbeRole, ports: readonly DeclaredPort[]): k8s.Probe {
    const defaults = ROLE_DEFAULTS[role];
    const seconds = (field: string, d: Duration | undefined, fallback: number, min: number): number => {
      if (d === undefined) return fallback;
      let s: number | undefined;
      try {
        s = d.toSeconds();
      } catch {
        s = undefined;
      }
      if (s === undefined || !Number.isInteger(s) || s < min) {
        refuse(`${prop}.${field}`, `is ${s === undefined ? 'not a whole number of seconds' : `${s} seconds`}`, `give a whole number of seconds, at least ${min}.`, 'HK-WORKLOAD-020');
      }
      return s;
    };
    if (this.options === null || typeof this.options !== 'object') {
      refuse(prop, `has options ${JSON.stringify(this.options)}, not an object`, 'pass options such as { period: Duration.seconds(10) }, or none.', 'HK-WORKLOAD-020');
    }
    const threshold = this.options.failureThreshold ?? defaults.failureThreshold;
    if (!Number.isInteger(threshold) || threshold < 1) {
      refuse(`${prop}.failureThreshold`, `is ${threshold}`, 'give a whole number, at least 1.', 'HK-WORKLOAD-020');
    }
    const timing = {
      periodSeconds: seconds('period', this.options.period, defaults.period, 1),
      timeoutSeconds: seconds('timeout', this.options.timeout, 1, 1),
      initialDelaySeconds: seconds('initialDelay', this.options.initialDelay, defaults.initialDelay, 0),
      failureThreshold: threshold,
      successThreshold: 1,
    };
    refuseNonsenseTiming(refuse, prop, role, timing);
    if (this.kind === 'exec') {
      if (!Array.isArray(this.command) || this.command.length === 0 || this.command.some((c) => typeof c !== 'string' || c.length === 0)) {
        refuse(prop, 'is an exec check with an empty command', 'give the command as a non-empty list of words, e.g. [\'/app/healthcheck\'].', 'HK-WORKLOAD-020');
      }
      return { exec: { command: [...this.command] }, ...timing };
    }
    const port = this.resolvePort(refuse, prop, ports);
    if (this.kind === 'httpGet') {
      if (typeof this.path !== 'string' || !this.path.startsWith('/') || /\s/.test(this.path)) {
        refuse(prop, `is an httpGet check of '${String(this.path)}', not an absolute URL path`, 'give a path such as \'/healthz\'.', 'HK-WORKLOAD-020');
      }
      const scheme = this.options.scheme ?? 'HTTP';
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') {
        refuse(`${prop}.scheme`, `is ${JSON.stringify(scheme)}`, 'use \'HTTP\' or \'HTTPS\'.', 'HK-WORKLOAD-020');
      }
      const headers = httpHeaders(refuse, `${prop}.headers`, this.options.headers);
      const headerField = headers.length > 0 ? { httpHeaders: headers } : {};
      return { httpGet: { path: this.path, port: k8s.IntOrString.fromString(port.name), scheme, ...headerField }, ...timing };
    }
    if (this.kind === 'grpc') {
      const service = this.options.service;
      if (service !== undefined && (typeof service !== 'string' || /\s/.test(service))) {
        refuse(`${prop}.service`, `is ${JSON.stringify(service)}, not a gRPC service name`, 'give the name the server registers, e.g. \'shop.Api\', or none for the whole server.', 'HK-WORKLOAD-020');
      }
      // The gRPC probe takes a port number only: it cannot name a port.
      return { grpc: { port: port.port, ...(service !== undefined ? { service } : {}) }, ...timing };
    }
    return { tcpSocket: { port: k8s.IntOrString.fromString(port.name) }, ...timing };
  }

  private resolvePort(refuse: Refuse, prop: string, ports: readonly DeclaredPort[]): DeclaredPort {
    const tcp = ports.filter((p) => p.protocol === 'TCP');
    if (this.options.port === undefined) {
      if (tcp.length === 0) {
        refuse(prop, 'probes the network, but the container declares no TCP port', 'declare the port the check uses, or use HealthCheck.exec.', 'HK-WORKLOAD-020');
      }
      return tcp[0];
    }
    const found = tcp.find((p) => p.port === this.options.port);
    if (!found) {
      refuse(`${prop}.port`, `is ${this.options.port}, not a declared TCP port of the container (${tcp.map((p) => p.port).join(', ') || 'none'})`,
        'probe one of the declared ports, or declare the port.', 'HK-WORKLOAD-020');
    }
    return found;
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$|token|secret|password/i;

function httpHeaders(refuse: Refuse, prop: string, headers: unknown): k8s.HttpHeader[] {
  if (headers === undefined) return [];
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    refuse(prop, `is ${JSON.stringify(headers)}, not a map of header names to values`, 'give { Accept: \'application/json\' }.', 'HK-WORKLOAD-020');
  }
  return Object.keys(headers).sort().map((name) => {
    const value = (headers as Record<string, unknown>)[name];
    if (!HEADER_NAME.test(name)) refuse(`${prop}.${name}`, 'is not an HTTP header name', 'use letters, digits and \'-\'.', 'HK-WORKLOAD-020');
    if (name.toLowerCase() === 'host') {
      refuse(`${prop}.${name}`, 'would send the check to another virtual host', 'drop the Host header; the check goes to the pod itself.', 'HK-WORKLOAD-018');
    }
    if (CREDENTIAL_HEADER.test(name)) {
      refuse(`${prop}.${name}`, 'is a credential header, which would sit in the pod spec in clear (its value is not shown)',
        'serve the health endpoint without authentication on a port only the kubelet reaches.', 'HK-SECRETS-006');
    }
    if (typeof value !== 'string') refuse(`${prop}.${name}`, `is ${JSON.stringify(value) ?? 'undefined'}, not a string`, 'give the header value as a string.', 'HK-WORKLOAD-020');
    return { name, value };
  });
}
