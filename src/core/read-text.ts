import { readFile, stat } from 'node:fs/promises';
import { describeError } from './errors.js';

/**
 * A whole text file the user named (a config, a policy file), refused over `maxBytes` before it
 * is read. `name` starts each message ("config x.yaml"); the caller picks the error classes, so
 * each maps to its own exit code.
 */
export async function readTextFile(
  file: string,
  maxBytes: number,
  name: string,
  errors: { tooLarge: (message: string) => Error; unreadable: (message: string, cause: unknown) => Error },
): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw errors.unreadable(`${name}: cannot be read (${describeError(err)})`, err);
  }
  if (size > maxBytes) throw errors.tooLarge(`${name}: larger than ${maxBytes} bytes (${size}): not read`);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw errors.unreadable(`${name}: cannot be read (${describeError(err)})`, err);
  }
}
