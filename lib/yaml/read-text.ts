import * as fs from 'fs';
import { formatBytes, resolveLimits, YamlLimits } from './limits';
import { YamlInputError } from './yaml-input-error';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Read-only and non-blocking: opening a FIFO that slipped past the check must not wait for a writer. */
// eslint-disable-next-line no-bitwise
const READ_NONBLOCKING = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/**
 * Reads a regular file as UTF-8 text within `limits.maxBytes`. Named pipes, devices and sockets are refused
 * without being read (reading a FIFO blocks until a writer comes, which may be never). The file is opened
 * non-blocking and checked again on the open handle, so a file swapped for a FIFO after the check cannot hang us.
 * Throws a YamlInputError.
 */
export async function readTextFile(file: string, limits: YamlLimits = {}): Promise<string> {
  const { maxBytes } = resolveLimits(limits);
  refuseSpecial(file, await fs.promises.stat(file).catch((e) => { throw new YamlInputError(file, `cannot read: ${readError(e)}`); }));
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, READ_NONBLOCKING);
  } catch (e) {
    throw new YamlInputError(file, `cannot read: ${readError(e)}`);
  }
  try {
    const stat = await handle.stat();
    refuseSpecial(file, stat);
    refuseSize(file, stat.size, maxBytes);
    const bytes = await handle.readFile();
    refuseSize(file, bytes.length, maxBytes);
    return decodeUtf8(bytes, file);
  } catch (e) {
    if (YamlInputError.isYamlInputError(e)) throw e;
    throw new YamlInputError(file, `cannot read: ${readError(e)}`);
  } finally {
    await handle.close();
  }
}

/** `readTextFile` for synchronous callers (construct code that reads the previous synth output). */
export function readTextFileSync(file: string, limits: YamlLimits = {}): string {
  const { maxBytes } = resolveLimits(limits);
  let fd: number;
  try {
    refuseSpecial(file, fs.statSync(file));
    fd = fs.openSync(file, READ_NONBLOCKING);
  } catch (e) {
    if (YamlInputError.isYamlInputError(e)) throw e;
    throw new YamlInputError(file, `cannot read: ${readError(e)}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    refuseSpecial(file, stat);
    refuseSize(file, stat.size, maxBytes);
    const bytes = fs.readFileSync(fd);
    refuseSize(file, bytes.length, maxBytes);
    return decodeUtf8(bytes, file);
  } catch (e) {
    if (YamlInputError.isYamlInputError(e)) throw e;
    throw new YamlInputError(file, `cannot read: ${readError(e)}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a stream (standard input) to its end as UTF-8 text, refusing it as soon as it passes `limits.maxBytes`. */
export async function readTextStream(stream: AsyncIterable<unknown>, name: string, limits: YamlLimits = {}): Promise<string> {
  const { maxBytes } = resolveLimits(limits);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += bytes.length;
    refuseSize(name, total, maxBytes);
    chunks.push(bytes);
  }
  return decodeUtf8(Buffer.concat(chunks), name);
}

/**
 * Decodes UTF-8, refusing invalid bytes with the line they are on (a lenient decoder would silently replace them,
 * and the audit would judge text nobody wrote). A leading byte-order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = countLines(bytes, offset);
    throw new YamlInputError(file, `is not valid UTF-8 (byte ${offset + 1} cannot be decoded); save the file as UTF-8`, { line });
  }
}

function refuseSpecial(file: string, stat: fs.Stats): void {
  const what = stat.isFIFO() ? 'a named pipe (FIFO)'
    : stat.isCharacterDevice() ? 'a character device'
      : stat.isBlockDevice() ? 'a block device'
        : stat.isSocket() ? 'a socket'
          : stat.isDirectory() ? 'a directory' : undefined;
  if (what) throw new YamlInputError(file, `is ${what}, not a regular file; refused without reading (pipe it to standard input with - instead)`);
}

function refuseSize(file: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new YamlInputError(file, `is larger than the ${formatBytes(maxBytes)} limit; refused without parsing (raise the limit if the file is legitimate)`);
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  // Skip valid sequences; the first one that does not decode marks the spot.
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    if (length === 1) {
      i++;
      continue;
    }
    try {
      UTF8.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return i;
}

function countLines(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function readError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    default: return (err.message ?? String(e)).split('\n')[0];
  }
}
