import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { audit } from '../audit/audit';
import { findPractice } from '../practices/catalogue';
import { Practice } from '../practices/practice';
import { refuser } from '../refusal';
import { yamlLibrary } from '../yaml/yaml-library';

const CONTROL_PLANE_FILE = Symbol.for('cdk8s-hardened.ControlPlaneFile');

/**
 * A file for the API server (EncryptionConfiguration, audit Policy), not an object to apply. It is a plain construct,
 * never an ApiObject, so `app.synth()` leaves it out of every chart's YAML (where `kubectl apply -f dist/` would try
 * to create it); `writeControlPlaneFiles` renders the files of a tree into their own folder instead. Each file
 * judges itself against its practices when the app validates, so a weak file fails synth like a weak object.
 */
export abstract class ControlPlaneFile extends Construct {
  /** Whether `x` is a ControlPlaneFile, from this copy of the library or another. */
  public static isControlPlaneFile(x: unknown): x is ControlPlaneFile {
    return typeof x === 'object' && x !== null && CONTROL_PLANE_FILE in x;
  }

  /** File name inside the output folder, e.g. `encryption-configuration.yaml`. */
  public abstract readonly fileName: string;

  protected constructor(scope: Construct, id: string, practiceIds: readonly string[]) {
    super(scope, id);
    Object.defineProperty(this, CONTROL_PLANE_FILE, { value: true });
    this.node.addValidation({
      validate: () => {
        const practices = practiceIds.map((pid) => findPractice(pid)).filter((p): p is Practice => p !== undefined);
        return audit([this.toJson()], { practices }).findings.filter((f) => !f.excepted)
          .map((f) => `${this.fileName}: ${f.practiceId} (${f.title}): ${f.message}. Fix: ${f.fix}`);
      },
    });
  }

  /** The file's content as plain JSON. */
  public abstract toJson(): any;

  /** The kube-apiserver flags that make the API server read this file. */
  public abstract apiServerFlags(): string[];
}

/** File name of the kube-apiserver flag list `writeControlPlaneFiles` writes next to the files. */
export const API_SERVER_FLAGS_FILE = 'kube-apiserver.flags';

/**
 * The control-plane files under `scope` (usually the App), rendered: file name → content, plus the kube-apiserver
 * flag list, one flag per line. Pure and deterministic.
 */
export function renderControlPlaneFiles(scope: IConstruct): Record<string, string> {
  const files = scope.node.findAll().filter(ControlPlaneFile.isControlPlaneFile);
  const out: Record<string, string> = {};
  const flags: string[] = [];
  for (const f of files) {
    if (out[f.fileName] !== undefined) {
      refuser(f, 'ControlPlaneFile')('fileName', `is '${f.fileName}', which another control-plane file in the app writes too`,
        'give one of them another fileName.');
    }
    out[f.fileName] = yamlLibrary().stringify(f.toJson(), { lineWidth: 0 });
    flags.push(...f.apiServerFlags());
  }
  if (files.length > 0) out[API_SERVER_FLAGS_FILE] = flags.join('\n') + '\n';
  return out;
}

/**
 * Writes the control-plane files under `scope` into `outdir` (created if missing), each with mode 0600 because the
 * API server reads them as root and nobody else should. Returns the paths written. Run it after `app.synth()`, into
 * a folder no `kubectl apply` reads, then copy the files to every control-plane node (or into the kubeadm
 * ClusterConfiguration's `apiServer.extraArgs` / `extraVolumes`).
 */
export function writeControlPlaneFiles(scope: IConstruct, outdir: string): string[] {
  fs.mkdirSync(outdir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(renderControlPlaneFiles(scope))) {
    const file = path.join(outdir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    written.push(file);
  }
  return written;
}
