import { HardenedError } from '../errors';

const YAML_INPUT_ERROR = Symbol.for('cdk8s-hardened.YamlInputError');

/**
 * Input that cannot be read as YAML text: not a regular file, too large, not UTF-8, malformed, too deep, or an
 * alias bomb. It names the file and, when known, the line, so every reader reports it the same way.
 */
export class YamlInputError extends HardenedError {
  /** Whether `x` is a YamlInputError, from this copy of the library or another. */
  public static isYamlInputError(x: unknown): x is YamlInputError {
    return typeof x === 'object' && x !== null && YAML_INPUT_ERROR in x;
  }

  /** The file as given, or `<stdin>`. */
  public readonly file: string;
  /** 1-based line, when known. */
  public readonly line?: number;
  /** 1-based column, when known. */
  public readonly column?: number;
  /** What is wrong, without the file and line. */
  public readonly reason: string;

  constructor(file: string, reason: string, position: { readonly line?: number; readonly column?: number } = {}) {
    const where = `${file}${position.line ? `:${position.line}` : ''}${position.line && position.column ? `:${position.column}` : ''}`;
    super({ message: `${where}: ${reason}`, fix: 'give a readable YAML or JSON file' });
    this.name = 'YamlInputError';
    this.file = file;
    this.reason = reason;
    if (position.line) this.line = position.line;
    if (position.line && position.column) this.column = position.column;
    Object.defineProperty(this, YAML_INPUT_ERROR, { value: true });
  }
}
