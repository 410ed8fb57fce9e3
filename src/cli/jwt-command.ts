import path from 'node:path';
import { analyzeJwt } from '../analyze/jwt.js';
import { jwtSeverity } from '../analyze/severity.js';
import { UsageError } from '../core/errors.js';
import { renderJwtDetails } from '../report/jwt-summary.js';
import { wantsColor, type Io } from './io.js';
import { parseDurationFlag, parseNow } from './time.js';

/** `tokensprawl jwt [token]`: decode and judge one token; not a JWT → exit 2. */
export async function runJwtCommand(tokenArg: string | undefined, opts: Record<string, unknown>, io: Io): Promise<number> {
  const token = (tokenArg ?? (await readAll(io.stdin()))).trim().replace(/^bearer\s+/i, '');
  const now = parseNow(opts['now'] as string | undefined);
  const maxLifetimeSeconds = parseDurationFlag('--max-lifetime', (opts['maxLifetime'] as string | undefined) ?? '1h');
  const jwksFile = opts['jwks'] as string | undefined;
  const jwks = jwksFile ? await (await import('../analyze/jwks.js')).loadJwks(path.resolve(io.cwd, jwksFile)) : undefined;
  const analysis = await analyzeJwt(token, { now, maxLifetimeSeconds, ...(jwks ? { jwks } : {}) });
  // Never echo the input: it is a secret.
  if (!analysis) throw new UsageError(`the input (${token.length} characters) is not a JWT: expected header.payload.signature or a 5-part JWE`);
  const severity = jwtSeverity(analysis, 'high');
  if (opts['format'] === 'json') io.stdout(`${JSON.stringify({ ...analysis, severity }, null, 2)}\n`);
  else io.stdout(renderJwtDetails(analysis, severity, now, { color: wantsColor(io, io.stdoutIsTTY) }));
  return 0;
}

async function readAll(input: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const piece of input) text += typeof piece === 'string' ? piece : piece.toString('utf8');
  return text;
}
