import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { decodeUtf8, readTextFile, readTextFileSync, readTextStream } from '../../lib/yaml/read-text';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(read: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await read();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('readTextFile', () => {
  test('reads a regular UTF-8 file, dropping a byte-order mark', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, '\ufeffkind: Pod # é\n');
    expect(await readTextFile(file)).toBe('kind: Pod # é\n');
    expect(readTextFileSync(file)).toBe('kind: Pod # é\n');
  });

  test('refuses a named pipe without reading it (reading would wait for a writer forever)', async () => {
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const expected = `${fifo}: is a named pipe (FIFO), not a regular file; refused without reading (pipe it to standard input with - instead)`;
    expect(await refusal(() => readTextFile(fifo))).toBe(expected);
    expect(await refusal(() => readTextFileSync(fifo))).toBe(expected);
  });

  test('refuses a character device', async () => {
    expect(await refusal(() => readTextFile('/dev/zero'))).toBe(
      '/dev/zero: is a character device, not a regular file; refused without reading (pipe it to standard input with - instead)');
  });

  test('refuses a file above the size limit before reading it', async () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, 'a'.repeat(2049));
    expect(await refusal(() => readTextFile(file, { maxBytes: 2048 }))).toBe(
      `${file}: is larger than the 2 KiB limit; refused without parsing (raise the limit if the file is legitimate)`);
    expect(await readTextFile(file, { maxBytes: 4096 })).toHaveLength(2049);
  });

  test('refuses invalid UTF-8 with its line instead of replacing it', async () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('kind: Pod\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(await refusal(() => readTextFile(file))).toBe(`${file}:3: is not valid UTF-8 (byte 32 cannot be decoded); save the file as UTF-8`);
  });

  test('names a missing file plainly', async () => {
    expect(await refusal(() => readTextFile(join(dir, 'nope.yaml')))).toBe(`${join(dir, 'nope.yaml')}: cannot read: no such file or directory`);
  });
});

describe('readTextStream', () => {
  test('stops reading standard input once it passes the limit', async () => {
    const stream = Readable.from([Buffer.alloc(1024, 0x61), Buffer.alloc(1024, 0x61), Buffer.alloc(1024, 0x61)]);
    expect(await refusal(() => readTextStream(stream, '<stdin>', { maxBytes: 2048 }))).toBe(
      '<stdin>: is larger than the 2 KiB limit; refused without parsing (raise the limit if the file is legitimate)');
  });
});

describe('decodeUtf8', () => {
  test('refuses an overlong encoding', async () => {
    expect(await refusal(() => decodeUtf8(Buffer.from([0x61, 0x0a, 0xc0, 0xaf]), 'x.yaml'))).toBe('x.yaml:2: is not valid UTF-8 (byte 3 cannot be decoded); save the file as UTF-8');
  });
});
