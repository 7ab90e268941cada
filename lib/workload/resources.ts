import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ExceptionSet } from '../exceptions/exception-set';
import { Refuse } from '../refusal';
import { parseQuantity } from '../units/quantity';

/** CPU request and limit of one container. */
export interface CpuResources {
  /** Guaranteed CPU. */
  readonly request: Cpu;
  /**
   * Ceiling; omitting it needs a recorded HK-WORKLOAD-019 exception (the CPU-throttling debate).
   * @default - required unless the exception is recorded
   */
  readonly limit?: Cpu;
}

/** A request and limit of memory or ephemeral storage. */
export interface SizeResources {
  /** Guaranteed amount. */
  readonly request: Size;
  /** Ceiling. */
  readonly limit: Size;
}

/** Requests and limits of one container (HK-WORKLOAD-019); each field replaces one default. */
export interface ContainerResources {
  /**
   * CPU.
   * @default - request Cpu.millis(100), limit Cpu.millis(500)
   */
  readonly cpu?: CpuResources;
  /**
   * Memory.
   * @default - request Size.mebibytes(128), limit Size.mebibytes(256)
   */
  readonly memory?: SizeResources;
  /**
   * Ephemeral storage (logs, writable layers and emptyDir volumes count against it).
   * @default - request Size.mebibytes(64), limit Size.mebibytes(256)
   */
  readonly ephemeralStorage?: SizeResources;
}

/** Requests and limits as Kubernetes quantities, validated. */
export interface ResolvedResources {
  readonly requests: Readonly<Record<'cpu' | 'memory' | 'ephemeral-storage', string>>;
  readonly limits: Readonly<Partial<Record<'cpu' | 'memory' | 'ephemeral-storage', string>>>;
}

const DEFAULT_CPU = { request: Cpu.millis(100), limit: Cpu.millis(500) };
const DEFAULT_MEMORY = { request: Size.mebibytes(128), limit: Size.mebibytes(256) };
const DEFAULT_EPHEMERAL = { request: Size.mebibytes(64), limit: Size.mebibytes(256) };

/** A Size as the largest whole binary unit: `1Gi`, `1536Mi`, `512Ki`; undefined when not a positive whole number of KiB. */
export function sizeQuantity(size: Size): string | undefined {
  let kib: number;
  try {
    kib = size.toKibibytes();
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(kib) || kib <= 0) return undefined;
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}Gi`;
  if (kib % 1024 === 0) return `${kib / 1024}Mi`;
  return `${kib}Ki`;
}

/** Validates a container's requests and limits and renders them as quantities. */
export function resolveResources(
  refuse: Refuse, prop: string, resources: ContainerResources | undefined, exceptions: ExceptionSet,
): ResolvedResources {
  const cpu = resources?.cpu ?? DEFAULT_CPU;
  const memory = resources?.memory ?? DEFAULT_MEMORY;
  const ephemeral = resources?.ephemeralStorage ?? DEFAULT_EPHEMERAL;
  const fix = 'give a positive amount, e.g. Cpu.millis(250), Size.mebibytes(256).';

  const cpuAmount = (field: string, value: unknown): [string, number] => {
    const text = value instanceof Object && typeof (value as Cpu).amount === 'string' ? (value as Cpu).amount : undefined;
    const parsed = text === undefined ? undefined : parseQuantity(text);
    if (parsed === undefined || !(parsed > 0)) {
      refuse(`${prop}.cpu.${field}`, `is ${text === undefined ? String(value) : `'${text}'`}, not a positive CPU amount`, fix, 'HK-WORKLOAD-019');
    }
    if (parsed < 0.001) refuse(`${prop}.cpu.${field}`, `is '${text}', below the smallest CPU unit (1m)`, fix, 'HK-WORKLOAD-019');
    return [text!, parsed];
  };
  const sizeAmount = (field: string, value: unknown): [string, number] => {
    const text = value instanceof Size ? sizeQuantity(value) : undefined;
    if (text === undefined) {
      refuse(`${prop}.${field}`, `is ${value instanceof Size ? `'${value.asString()}'` : String(value)}, not a positive whole number of KiB`, fix, 'HK-WORKLOAD-019');
    }
    return [text, parseQuantity(text)!];
  };
  const pair = (field: string, request: [string, number], limit: [string, number] | undefined) => {
    if (limit && request[1] > limit[1]) {
      refuse(`${prop}.${field}.request`, `is '${request[0]}', above its limit '${limit[0]}'`, `lower the request or raise the limit of ${field}.`, 'HK-WORKLOAD-019');
    }
  };

  if (cpu === null || typeof cpu !== 'object') refuse(`${prop}.cpu`, `is ${String(cpu)}, not { request, limit }`, fix, 'HK-WORKLOAD-019');
  const cpuRequest = cpuAmount('request', cpu.request);
  let cpuLimit: [string, number] | undefined;
  if (cpu.limit === undefined) {
    if (!exceptions.excuses('HK-WORKLOAD-019')) {
      refuse(`${prop}.cpu.limit`, 'is missing', 'set a CPU limit, e.g. Cpu.millis(500).', 'HK-WORKLOAD-019', true);
    }
  } else {
    cpuLimit = cpuAmount('limit', cpu.limit);
  }
  pair('cpu', cpuRequest, cpuLimit);
  const sized = (field: string, value: SizeResources) => {
    if (value === null || typeof value !== 'object') refuse(`${prop}.${field}`, `is ${String(value)}, not { request, limit }`, fix, 'HK-WORKLOAD-019');
    const request = sizeAmount(`${field}.request`, value.request);
    const limit = sizeAmount(`${field}.limit`, value.limit);
    pair(field, request, limit);
    return [request[0], limit[0]];
  };
  const [memRequest, memLimit] = sized('memory', memory);
  const [ephRequest, ephLimit] = sized('ephemeralStorage', ephemeral);
  return {
    requests: { 'cpu': cpuRequest[0], 'memory': memRequest, 'ephemeral-storage': ephRequest },
    limits: { ...(cpuLimit ? { cpu: cpuLimit[0] } : {}), 'memory': memLimit, 'ephemeral-storage': ephLimit },
  };
}
