import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Refuse } from './refusal';

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

/** Which probe a health check is rendered as; each has its own defaults, so readiness and liveness always differ. */
export type ProbeRole = 'readiness' | 'liveness' | 'startup';

const ROLE_DEFAULTS: Record<ProbeRole, { period: number; initialDelay: number; failureThreshold: number }> = {
  readiness: { period: 5, initialDelay: 0, failureThreshold: 3 },
  liveness: { period: 10, initialDelay: 10, failureThreshold: 6 },
  startup: { period: 10, initialDelay: 0, failureThreshold: 30 },
};

/** A declared container port, as the pod-spec builder sees it. */
export interface DeclaredPort {
  /** The port number (1–65535). */
  readonly port: number;
  /** The IANA service name of the port. */
  readonly name: string;
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
}

/**
 * How the kubelet checks a container (HK-WORKLOAD-020). Probes never name a `host`, so they cannot be pointed at
 * another machine (HK-WORKLOAD-018), and network probes target declared ports only.
 */
export class HealthCheck {
  /** An HTTP GET of `path` on a declared port; any 2xx or 3xx answer passes. */
  public static httpGet(path: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('httpGet', options, path);
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
    private readonly kind: 'httpGet' | 'tcpSocket' | 'exec',
    private readonly options: HealthCheckOptions,
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
      return { httpGet: { path: this.path, port: k8s.IntOrString.fromString(port.name), scheme: 'HTTP' }, ...timing };
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
