import { asArray, containerLabel, containersOf, podSpecOf, POD_KINDS } from '../../manifest';
import { Checkability, ExceptionPolicy, perObject, Practice, PracticeGroup, Severity } from '../../practice';

/** File modes a secret file may have: 0400, or 0440 when an fsGroup must read it. Compared as integers. */
export const SECRET_FILE_MODES: readonly number[] = [256, 288];

function modeProblem(where: string, mode: unknown): string | undefined {
  if (typeof mode === 'number' && SECRET_FILE_MODES.includes(mode)) return undefined;
  if (mode === undefined) return `${where} is not set (the API default is 420 = 0644)`;
  if (typeof mode !== 'number') return `${where} is ${JSON.stringify(mode)}, not the integer 256 (0400) or 288 (0440)`;
  const hint = mode === 400 || mode === 440 ? `; ${mode} read as decimal is mode 0${mode.toString(8)}` : '';
  return `${where} is ${mode} (0${mode.toString(8)}), not 256 (0400) or 288 (0440)${hint}`;
}

/** HK-SECRETS-007: secret and projected volumes of the pod spec, and every mount of them. */
export const secretVolumeMode: Practice = {
  id: 'HK-SECRETS-007',
  group: PracticeGroup.SECRETS,
  title: 'Secret volumes read-only, tight file mode',
  severity: Severity.LOW,
  why: 'Limits blast radius if the app or a sidecar is compromised; other users in the image cannot read the files.',
  criterion: 'Every volumeMount of a secret or projected volume has readOnly: true; every secret volume sets defaultMode to the '
    + 'integer 256 (0400) or 288 (0440), as does every projected volume with a secret source; item modes, where set, are 256 or 288. '
    + 'Integers are compared: a bare 0400 read as YAML 1.2 is decimal 400, i.e. mode 0620.',
  library: 'Sets readOnly mounts and defaultMode 256 (288 when an fsGroup must read).',
  fix: 'Set readOnly: true on the mount and defaultMode: 256 (write the decimal integer, not 0400) on the volume.',
  exception: ExceptionPolicy.NONE,
  exceptionNote: 'No app needs to write its own credentials or let other users read them.',
  checkability: Checkability.MANIFESTS,
  sources: {
    cis: ['5.4.1'],
    other: ['library choice (no peer check)'],
  },
  evaluate: perObject(POD_KINDS, (obj) => {
    const problems: string[] = [];
    const sensitive = new Set<string>();
    for (const v of asArray(podSpecOf(obj)?.volumes)) {
      const name = String(v?.name ?? '?');
      if (v?.secret) {
        sensitive.add(name);
        const p = modeProblem(`volume "${name}" secret.defaultMode`, v.secret.defaultMode);
        if (p) problems.push(p);
        asArray(v.secret.items).forEach((item, i) => {
          const q = item?.mode === undefined ? undefined : modeProblem(`volume "${name}" secret.items[${i}].mode`, item.mode);
          if (q) problems.push(q);
        });
      } else if (v?.projected) {
        sensitive.add(name);
        const secretSources = asArray(v.projected.sources).filter((s) => s?.secret);
        if (secretSources.length > 0) {
          const p = modeProblem(`volume "${name}" projected.defaultMode`, v.projected.defaultMode);
          if (p) problems.push(p);
        }
        secretSources.forEach((s) => asArray(s.secret.items).forEach((item, i) => {
          const q = item?.mode === undefined ? undefined : modeProblem(`volume "${name}" secret "${s.secret.name ?? '?'}" items[${i}].mode`, item.mode);
          if (q) problems.push(q);
        }));
      }
    }
    for (const c of containersOf(obj)) {
      for (const m of asArray(c.container?.volumeMounts)) {
        if (sensitive.has(String(m?.name)) && m?.readOnly !== true) problems.push(`${containerLabel(c)} mounts volume "${m.name}" without readOnly: true`);
      }
    }
    return problems;
  }),
};
