import path from 'node:path';
import { analyzeJwt } from '../analyze/jwt.js';
import { jwtSeverity } from '../analyze/severity.js';
import { UsageError } from '../core/errors.js';
import { escapeControlDeep } from '../core/redact.js';
import { createRunRedactor } from '../scan.js';
import { renderJwtDetails } from '../report/text.js';
import { setOutputRedactor, wantsColor, type Io } from './io.js';
import { loadCommandRules } from './rules-command.js';
import { parseDurationFlag, parseNow } from './time.js';

/** `tokensprawl jwt [token]`: decode and judge one token; not a JWT → exit 2. */
export async function runJwtCommand(tokenArg: string | undefined, opts: Record<string, unknown>, io: Io): Promise<number> {
  const input = tokenArg ?? (await readAll(io.stdin()));
  if (input.length > MAX_TOKEN_CHARS) throw new UsageError(`jwt: the input is longer than ${MAX_TOKEN_CHARS} characters: not a token this command judges`);
  const token = input.trim().replace(/^bearer\s+/i, '');
  const now = parseNow(opts['now'] as string | undefined);
  const maxLifetimeSeconds = parseDurationFlag('--max-lifetime', (opts['maxLifetime'] as string | undefined) ?? '1h');
  const jwksFile = opts['jwks'] as string | undefined;
  const jwks = jwksFile ? await (await import('../analyze/jwks.js')).loadJwks(path.resolve(io.cwd, jwksFile)) : undefined;
  const analysis = await analyzeJwt(token, { now, maxLifetimeSeconds, ...(jwks ? { jwks } : {}) });
  // Never echo the input: it is a secret.
  if (!analysis) throw new UsageError(`the input (${token.length} characters) is not a JWT: expected header.payload.signature or a 5-part JWE`);
  const severity = jwtSeverity(analysis, 'high');
  // Header and claims are the token's content: a kid, jku or claim may hold another secret,
  // found by the rules a scan here would load (built-in, and the config's).
  const redactor = createRunRedactor((await loadCommandRules({}, io)).redactWith);
  redactor.add(token);
  setOutputRedactor(redactor);
  const shown = redactor.value(analysis);
  if (opts['format'] === 'json') io.stdout(`${JSON.stringify({ ...shown, severity }, null, 2)}\n`);
  else io.stdout(renderJwtDetails(escapeControlDeep(shown), severity, now, { color: wantsColor(io, io.stdoutIsTTY) }));
  return 0;
}

/** Longest input judged: real JWTs are a few KB; a larger one is not a token. */
export const MAX_TOKEN_CHARS = 1024 * 1024;

async function readAll(input: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const piece of input) {
    text += typeof piece === 'string' ? piece : piece.toString('utf8');
    if (text.length > MAX_TOKEN_CHARS) break; // enough to refuse it: the rest is not read
  }
  return text;
}
