import { appContainersOf, asArray, containerLabel, containersOf, Manifest, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

const SSH_PORT = 22;

/** HK-IMAGE-006: container ports on containers and init containers, Services' target ports, every entrypoint. */
export const leanRuntime: Practice = {
  id: 'HK-IMAGE-006',
  group: PracticeGroup.IMAGE,
  title: 'Lean runtime: no SSH port, no sudo entrypoint',
  severity: Severity.MEDIUM,
  why: 'An SSH daemon or sudo inside a container is a ready-made persistence and escalation channel; lean images need neither.',
  criterion: 'No container or init container declares containerPort 22; no Service port targets port 22 (targetPort 22, or port 22 '
    + 'with targetPort unset, which defaults to the port); no container\'s command[0] is sudo (by itself or as a path ending in /sudo).',
  library: 'SecureDeployment refuses port 22 and a sudo entrypoint.',
  fix: 'Remove the SSH daemon and sudo from the image; use `kubectl debug` with an ephemeral container for interactive access.',
  exception: ExceptionPolicy.RECORDABLE,
  checkability: Checkability.MANIFESTS,
  sources: {
    nsa: ['Building secure container images (minimal images)'],
    kubeLinter: ['ssh-port'],
    kubescape: ['C-0042', 'C-0062'],
    other: ['Image contents beyond this are the scanner\'s job (HK-IMAGE-005).'],
  },
  evaluate: perObject(['Service', ...POD_KINDS], (obj) => obj.kind === 'Service' ? serviceProblems(obj) : workloadProblems(obj)),
};

function workloadProblems(obj: Manifest): string[] {
  const problems: string[] = [];
  for (const c of appContainersOf(obj)) {
    for (const port of asArray(c.container?.ports)) {
      if (Number(port?.containerPort) === SSH_PORT) problems.push(`${containerLabel(c)} declares containerPort 22 (SSH)`);
    }
  }
  for (const c of containersOf(obj)) {
    const entry = asArray(c.container?.command)[0];
    if (typeof entry === 'string' && (entry === 'sudo' || entry.endsWith('/sudo'))) {
      problems.push(`${containerLabel(c)} runs command[0] "${entry}"`);
    }
  }
  return problems;
}

function serviceProblems(svc: Manifest): string[] {
  return asArray(svc.spec?.ports).flatMap((p, i) => {
    const target = p?.targetPort ?? p?.port;
    return Number(target) === SSH_PORT ? [`spec.ports[${i}] (${p?.name ?? p?.port ?? '?'}) targets port 22 (SSH)`] : [];
  });
}
