// A cheap gate for `jwt: true` rules: the header (and, for a JWS, the payload) must be
// base64url-encoded JSON objects. Full analysis happens later, in analyze/jwt.ts.

export function decodesAsJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) return false;
  if (!isJsonObject(parts[0] ?? '')) return false;
  return parts.length === 5 || isJsonObject(parts[1] ?? '');
}

function isJsonObject(segment: string): boolean {
  if (segment.length < 4 || !/^[A-Za-z0-9_-]+$/.test(segment)) return false;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
