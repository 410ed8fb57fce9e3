import type { JwtProblem } from '../core/types.js';

/** Issuer families recognisable from claims alone (no network). */
export type JwtFamily =
  | 'kubernetes'
  | 'github-actions'
  | 'google'
  | 'entra'
  | 'cognito'
  | 'auth0'
  | 'okta'
  | 'supabase'
  | 'firebase';

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function host(iss: string): string {
  try {
    return new URL(iss).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** The issuer family of a decoded payload, or undefined. Order matters: Firebase before Google. */
export function detectFamily(payload: Record<string, unknown>): JwtFamily | undefined {
  const iss = str(payload.iss);
  const h = host(iss);
  if (
    iss === 'kubernetes/serviceaccount' ||
    'kubernetes.io' in payload ||
    Object.keys(payload).some((k) => k.startsWith('kubernetes.io/serviceaccount/'))
  ) {
    return 'kubernetes';
  }
  if (h === 'token.actions.githubusercontent.com' || (iss.endsWith('/_services/token') && 'run_id' in payload)) {
    return 'github-actions';
  }
  if (h === 'securetoken.google.com' || 'firebase' in payload) return 'firebase';
  if (h === 'accounts.google.com' || iss === 'accounts.google.com') return 'google';
  if (
    h === 'sts.windows.net' ||
    h === 'login.microsoftonline.com' ||
    h === 'login.windows.net' ||
    h.endsWith('.ciamlogin.com') ||
    (typeof payload.tid === 'string' && typeof payload.oid === 'string')
  ) {
    return 'entra';
  }
  if (/^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/.test(h)) return 'cognito';
  if (h.endsWith('.auth0.com')) return 'auth0';
  if (/\.(okta|oktapreview|okta-emea)\.com$/.test(h)) return 'okta';
  if (iss === 'supabase' || (h.endsWith('.supabase.co') && iss.includes('/auth/v1'))) return 'supabase';
  return undefined;
}

/** True for a legacy, Secret-based Kubernetes service-account token (never expires). */
export function isLegacyKubernetesToken(payload: Record<string, unknown>): boolean {
  return str(payload.iss) === 'kubernetes/serviceaccount';
}

/** An extra sentence for a generic problem where the family changes the risk. */
export function familyNote(family: JwtFamily | undefined, problemId: string, payload: Record<string, unknown>): string {
  switch (family) {
    case 'kubernetes':
      if (problemId === 'no-expiry' && isLegacyKubernetesToken(payload)) {
        return ' Legacy Secret-based Kubernetes service-account tokens never expire: it works until the Secret is deleted, so delete and recreate it.';
      }
      if (problemId === 'long-lifetime') {
        return ' Projected service-account tokens default to 1h; an extended lifetime (up to a year) makes a leak long-lasting.';
      }
      return '';
    case 'github-actions':
      if (problemId === 'long-lifetime' || problemId === 'no-expiry') {
        return ' GitHub Actions OIDC tokens live minutes by design: this one does not, check who minted it.';
      }
      if (problemId === 'unbound') return ' It can be exchanged for cloud credentials by anyone until it expires (minutes).';
      return '';
    case 'supabase':
      if (problemId === 'long-lifetime' || problemId === 'no-expiry') {
        return ' Supabase legacy API keys live about 10 years: rotate the project JWT secret to revoke it.';
      }
      if (problemId === 'unbound' && str(payload.role) === 'anon') {
        return ' This is the anon key, public by design (shipped in client apps): its reach is what row-level security allows.';
      }
      return '';
    case 'entra':
      if (problemId === 'unbound') return ' Microsoft Entra access tokens are accepted until exp (60-90 min) and cannot be revoked individually.';
      return '';
    case 'auth0':
      if (problemId === 'long-lifetime') return ' Auth0 defaults to 24h.';
      return '';
    default:
      return '';
  }
}

/** Problems that only exist for one family. */
export function familyProblems(family: JwtFamily | undefined, payload: Record<string, unknown>, audience: string[]): JwtProblem[] {
  const out: JwtProblem[] = [];
  if (family === 'supabase') {
    const role = str(payload.role);
    if (role === 'service_role') {
      out.push({
        id: 'service-role',
        severity: 'critical',
        message:
          'Supabase service_role key: it bypasses row-level security and reads or writes every table; rotate the project JWT secret.',
      });
    }
  }
  if (family === 'auth0' && audience.some((a) => /\/api\/v2\/?$/.test(a))) {
    out.push({
      id: 'admin-audience',
      severity: 'high',
      message: 'audience is the Auth0 Management API: the token can administer the tenant (users, clients, connections).',
    });
  }
  if (
    family === 'entra' &&
    Array.isArray(payload.roles) &&
    payload.roles.length > 0 &&
    audience.some((a) => a === 'https://graph.microsoft.com' || a === '00000003-0000-0000-c000-000000000000')
  ) {
    out.push({
      id: 'admin-audience',
      severity: 'high',
      message: 'Microsoft Graph token with application roles: it acts as the app across the whole tenant, not as one user.',
    });
  }
  return out;
}
