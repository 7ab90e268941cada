import { IConstruct } from 'constructs';
import { HardenedError } from '../errors';

/** The Kubernetes minor an app targets when it sets none: what cdk8s-plus-28 synthesizes for. */
export const DEFAULT_KUBERNETES_TARGET = '1.28';

/** The oldest minor the library supports (HK-CLUSTER-006). */
const FLOOR_MINOR = 28;

/** The one format of a target: `1.<minor>`, no `v`, no patch level, no leading zero. */
const TARGET_FORMAT = /^1\.(0|[1-9][0-9]*)$/;

const STATE = Symbol.for('cdk8s-hardened.KubernetesTarget');

interface TargetState {
  readonly version: string;
  /** Path of the first construct that read the target, after which it can no longer change. */
  readBy?: string;
}

/**
 * The Kubernetes version an app targets, set once for the whole app and read by every construct that depends on
 * it: LockedNamespace and PrivilegedNamespace pin their Pod Security labels to it, AdmissionPolicies pick their
 * API versions and rules from it, CisBenchmark its benchmark, and HardenedAudit judges against it. Set it before
 * creating those constructs.
 *
 * @example
 * const app = new App();
 * KubernetesTarget.set(app, '1.30');
 * HardenedAudit.enable(app);
 */
export class KubernetesTarget {
  /**
   * Sets the app's target minor, written `1.<minor>` (e.g. `'1.30'`). Setting the same value twice is harmless;
   * another value, or any value after a construct has read the default, is refused.
   */
  public static set(scope: IConstruct, version: string): void {
    const root = scope.node.root;
    const text = typeof version === 'string' ? version : String(version);
    if (!TARGET_FORMAT.test(text)) {
      throw targetError(scope, 'version', `is '${text.slice(0, 40)}', not a Kubernetes minor written 1.<minor>`,
        `write it as '${suggest(text)}': one format for the whole app; Pod Security labels get their 'v' prefix by themselves.`);
    }
    if (Number(text.split('.')[1]) < FLOOR_MINOR) {
      throw targetError(scope, 'version', `is '${text}', older than the library's floor 1.${FLOOR_MINOR}`, `target Kubernetes 1.${FLOOR_MINOR} or newer.`);
    }
    const holder = root as unknown as Record<symbol, TargetState | undefined>;
    const current = holder[STATE];
    if (current?.version === text) return;
    if (current) {
      const read = current.readBy !== undefined ? ` and read by ${current.readBy}` : '';
      throw targetError(scope, 'version', `is '${text}', but the app's target is already '${current.version}'${read}`,
        'set the target once, before creating any construct.');
    }
    holder[STATE] = { version: text };
  }

  /**
   * The target minor of the app `scope` belongs to, `1.<minor>`; the default 1.28 when none was set. The first
   * read freezes the target.
   */
  public static of(scope: IConstruct): string {
    const holder = scope.node.root as unknown as Record<symbol, TargetState | undefined>;
    const state = holder[STATE] ?? (holder[STATE] = { version: DEFAULT_KUBERNETES_TARGET });
    state.readBy ??= scope.node.path || '<app>';
    return state.version;
  }

  /** The Pod Security Admission version label of the app's target, `v1.<minor>`. */
  public static podSecurityVersion(scope: IConstruct): string {
    return `v${KubernetesTarget.of(scope)}`;
  }

  /**
   * Checks a per-construct version prop against the app's target: it may restate the target, in either spelling
   * the prop historically accepted, never differ from it. Returns the app's target.
   */
  public static agree(scope: IConstruct, construct: string, prop: string, given: string | undefined): string {
    const target = KubernetesTarget.of(scope);
    if (given === undefined) return target;
    const normalised = typeof given === 'string' ? given.replace(/^v/, '') : String(given);
    if (normalised !== target) {
      throw new HardenedError({
        scope,
        construct,
        prop,
        problem: `is '${String(given).slice(0, 40)}', but the app targets Kubernetes ${target} (KubernetesTarget)`,
        practiceId: 'HK-CLUSTER-006',
        fix: `drop '${prop}' and set the version once for the whole app: KubernetesTarget.set(app, '${suggest(String(given))}') before creating constructs.`,
      });
    }
    return target;
  }
}

function suggest(text: string): string {
  const m = /^v?(\d+)\.(\d+)/.exec(text);
  return m ? `${Number(m[1])}.${Number(m[2])}` : DEFAULT_KUBERNETES_TARGET;
}

function targetError(scope: IConstruct, prop: string, problem: string, fix: string): HardenedError {
  return new HardenedError({ scope, construct: 'KubernetesTarget', prop, problem, practiceId: 'HK-CLUSTER-006', fix });
}
