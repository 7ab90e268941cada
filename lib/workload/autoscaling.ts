import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { boundedCount, boundedSeconds } from './job-spec';
import { ExceptionSet } from '../exceptions/exception-set';
import { Refuse } from '../refusal';

/** Options of `autoscale()`: an autoscaling/v2 HorizontalPodAutoscaler. */
export interface AutoscaleOptions {
  /** Fewest replicas; below 2 needs a recorded HK-WORKLOAD-021 exception. @default 2 */
  readonly minReplicas?: number;
  /** Most replicas (at least minReplicas; the namespace's pod quota must hold them, surge included). */
  readonly maxReplicas: number;
  /**
   * Target average CPU use, in percent of the request (1–100).
   * @default 75 when no memory target is given, else none
   */
  readonly cpuUtilization?: number;
  /** Target average memory use, in percent of the request (1–100). @default - none */
  readonly memoryUtilization?: number;
  /** How long load must stay low before pods are removed. @default Duration.minutes(5) */
  readonly scaleDownStabilization?: Duration;
  /** Pods removed per minute at most, so scale-down never outruns the PodDisruptionBudget. @default 1 */
  readonly scaleDownPodsPerMinute?: number;
}

/** Validated autoscaling settings. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly scaleDownStabilizationSeconds: number;
  readonly scaleDownPodsPerMinute: number;
}

/** Validates `autoscale()` options; `prop` prefixes every message. */
export function resolveAutoscaling(refuse: Refuse, exceptions: ExceptionSet, options: AutoscaleOptions): ResolvedAutoscaling {
  const p = (f: string) => `autoscale(options.${f})`;
  if (options === null || typeof options !== 'object') refuse('autoscale(options)', `is ${JSON.stringify(options)}`, 'pass { maxReplicas: 10 }.', 'HK-WORKLOAD-021');
  const minReplicas = boundedCount(refuse, p('minReplicas'), options.minReplicas, 2, 1, 1000, 'HK-WORKLOAD-021');
  if (minReplicas < 2 && !exceptions.excuses('HK-WORKLOAD-021')) {
    refuse(p('minReplicas'), `is ${minReplicas}, so one node drain can take the workload down`, 'keep at least 2 replicas.', 'HK-WORKLOAD-021', true);
  }
  if (options.maxReplicas === undefined) refuse(p('maxReplicas'), 'is missing', 'give the most replicas the namespace can hold, e.g. 10.', 'HK-WORKLOAD-021');
  const maxReplicas = boundedCount(refuse, p('maxReplicas'), options.maxReplicas, 0, 1, 1000, 'HK-WORKLOAD-021');
  if (maxReplicas <= minReplicas) {
    refuse(p('maxReplicas'), `is ${maxReplicas}, not above minReplicas ${minReplicas}, so nothing would scale`, 'raise maxReplicas, or set replicas instead of autoscaling.', 'HK-WORKLOAD-021');
  }
  const percent = (f: 'cpuUtilization' | 'memoryUtilization') => options[f] === undefined ? undefined : boundedCount(refuse, p(f), options[f], 0, 1, 100);
  const memoryUtilization = percent('memoryUtilization');
  const cpuUtilization = percent('cpuUtilization') ?? (memoryUtilization === undefined ? 75 : undefined);
  return {
    minReplicas,
    maxReplicas,
    ...(cpuUtilization !== undefined ? { cpuUtilization } : {}),
    ...(memoryUtilization !== undefined ? { memoryUtilization } : {}),
    scaleDownStabilizationSeconds: boundedSeconds(refuse, p('scaleDownStabilization'), options.scaleDownStabilization, 300, 0, 3600),
    scaleDownPodsPerMinute: boundedCount(refuse, p('scaleDownPodsPerMinute'), options.scaleDownPodsPerMinute, 1, 1, 100),
  };
}

/** The HorizontalPodAutoscaler spec (pure) for the controller `kind`/`name`. */
export function hpaSpec(kind: string, name: string, a: ResolvedAutoscaling): k8s.HorizontalPodAutoscalerSpecV2 {
  const metric = (resource: string, utilization: number): k8s.MetricSpecV2 => ({
    type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: utilization } },
  });
  return {
    scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      ...(a.cpuUtilization !== undefined ? [metric('cpu', a.cpuUtilization)] : []),
      ...(a.memoryUtilization !== undefined ? [metric('memory', a.memoryUtilization)] : []),
    ],
    behavior: {
      scaleDown: {
        stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
        selectPolicy: 'Min',
        policies: [{ type: 'Pods', value: a.scaleDownPodsPerMinute, periodSeconds: 60 }],
      },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }, { type: 'Pods', value: 4, periodSeconds: 60 }],
      },
    },
  };
}
