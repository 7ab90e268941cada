import * as fs from 'fs';
import * as path from 'path';

/** Where a secret's plaintext comes from. Never a literal in program text, so it cannot end up in git. */
export class SecretValue {
  /**
   * The value of an environment variable, read when `EncryptedSecret.prepareAll` runs (the variable must be set
   * when the construct is created). Bytes are taken as UTF-8, unchanged.
   */
  public static fromEnv(name: string): SecretValue {
    return new SecretValue('env', name, `environment variable ${name}`);
  }

  /**
   * The bytes of a file outside the repository (e.g. a tmpfs mount written by the CI secret store), read when
   * `EncryptedSecret.prepareAll` runs. A file inside the git work tree the app runs in is refused: it would be
   * one `git add` away from the repository.
   */
  public static fromFile(file: string): SecretValue {
    const resolved = path.resolve(file);
    return new SecretValue('file', resolved, `file ${resolved}`);
  }

  /**
   * Everything on standard input (e.g. `vault kv get -field=password ... | cdk8s synth`), read once, when
   * `EncryptedSecret.prepareAll` runs. Standard input can be consumed only once, so one value per app may use it.
   */
  public static fromStdin(): SecretValue {
    return new SecretValue('stdin', '-', 'standard input');
  }

  private constructor(
    /** Which kind of source. */
    public readonly source: 'env' | 'file' | 'stdin',
    /** The variable name or absolute file path (`-` for standard input); never the value. */
    public readonly reference: string,
    /** Where the value comes from, for messages; never the value. */
    public readonly description: string,
  ) {}

  /**
   * Why the source cannot be used, or `undefined` when it can.
   * @internal
   */
  public _problem(cwd: string = process.cwd()): string | undefined {
    switch (this.source) {
      case 'env':
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.reference)) return `names '${this.reference}', which is not an environment variable name`;
        return process.env[this.reference] === undefined ? `reads ${this.description}, which is not set` : undefined;
      case 'file': {
        if (!fs.existsSync(this.reference)) return `reads ${this.description}, which does not exist`;
        const repo = gitWorkTree(cwd);
        const real = fs.realpathSync(this.reference);
        if (repo && (real === repo || real.startsWith(repo + path.sep))) {
          return `reads ${this.description}, which is inside the git work tree ${repo}`;
        }
        return undefined;
      }
      case 'stdin':
        return undefined;
    }
  }

  /**
   * Reads the plaintext. Callers keep it in memory only as long as encryption needs it.
   * @internal
   */
  public _read(stdin: () => Buffer): Buffer {
    switch (this.source) {
      case 'env': return Buffer.from(process.env[this.reference] ?? '', 'utf8');
      case 'file': return fs.readFileSync(this.reference);
      case 'stdin': return stdin();
    }
  }
}

/** The root of the git work tree holding `dir`, if any. */
function gitWorkTree(dir: string): string | undefined {
  let current = fs.realpathSync(dir);
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
