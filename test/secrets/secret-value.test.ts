import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SecretValue } from '../../lib/secrets/secret-value';

const VAR = 'HK_TEST_SECRET_VALUE';
const noStdin = () => {
  throw new Error('standard input must not be read');
};

afterEach(() => {
  delete process.env[VAR];
});

describe('SecretValue', () => {
  test('fromEnv reads the variable as UTF-8 bytes', () => {
    process.env[VAR] = 'grüße';
    const value = SecretValue.fromEnv(VAR);
    expect(value._problem()).toBeUndefined();
    expect(value._read(noStdin)).toEqual(Buffer.from('grüße', 'utf8'));
  });

  test('fromEnv names a missing variable and never a value', () => {
    expect(SecretValue.fromEnv(VAR)._problem()).toBe(`reads environment variable ${VAR}, which is not set`);
  });

  test('fromEnv refuses something that is not a variable name', () => {
    expect(SecretValue.fromEnv('not a name')._problem()).toBe('names \'not a name\', which is not an environment variable name');
  });

  test('fromFile reads the bytes of a file outside the repository', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-secret-value-'));
    try {
      const file = path.join(dir, 'value');
      fs.writeFileSync(file, Buffer.from([0, 255, 10]));
      const value = SecretValue.fromFile(file);
      expect(value._problem(dir)).toBeUndefined();
      expect(value._read(noStdin)).toEqual(Buffer.from([0, 255, 10]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fromFile refuses a missing file', () => {
    const missing = path.join(os.tmpdir(), 'hk-definitely-missing-value');
    expect(SecretValue.fromFile(missing)._problem()).toBe(`reads file ${missing}, which does not exist`);
  });

  test('fromFile refuses a file inside the git work tree, even when the cwd is a subfolder', () => {
    const file = path.resolve(__dirname, 'secret-value.test.ts');
    const problem = SecretValue.fromFile(file)._problem(__dirname);
    expect(problem).toMatch(/^reads file .*secret-value\.test\.ts, which is inside the git work tree \//);
  });

  test('fromFile judges the work tree of the working directory: a tmp repo of its own counts too', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-repo-'));
    try {
      fs.mkdirSync(path.join(repo, '.git'));
      fs.writeFileSync(path.join(repo, 'value'), 'x');
      expect(SecretValue.fromFile(path.join(repo, 'value'))._problem(repo))
        .toBe(`reads file ${path.join(repo, 'value')}, which is inside the git work tree ${fs.realpathSync(repo)}`);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  test('fromStdin reads through the given reader', () => {
    const value = SecretValue.fromStdin();
    expect([value.source, value.reference, value.description]).toEqual(['stdin', '-', 'standard input']);
    expect(value._read(() => Buffer.from('piped'))).toEqual(Buffer.from('piped'));
  });

  test('describes its source without the value', () => {
    process.env[VAR] = 'canary-value-should-not-show';
    const value = SecretValue.fromEnv(VAR);
    expect(JSON.stringify(value)).not.toContain('canary-value-should-not-show');
    expect(value.description).toBe(`environment variable ${VAR}`);
  });
});
