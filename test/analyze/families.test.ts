import { describe, expect, it } from 'vitest';
import { detectFamily, familyProblems } from '../../src/analyze/families.js';

describe('detectFamily', () => {
  it.each<[string, Record<string, unknown>, string | undefined]>([
    ['legacy Kubernetes SA', { iss: 'kubernetes/serviceaccount', 'kubernetes.io/serviceaccount/namespace': 'default' }, 'kubernetes'],
    ['projected Kubernetes SA', { iss: 'https://kubernetes.default.svc.cluster.local', 'kubernetes.io': { namespace: 'default' } }, 'kubernetes'],
    ['GitHub Actions', { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:FAKE/FAKE:ref:refs/heads/main' }, 'github-actions'],
    ['GitHub Enterprise Server Actions', { iss: 'https://ghe.example.com/_services/token', run_id: '1' }, 'github-actions'],
    ['Google', { iss: 'https://accounts.google.com', azp: 'FAKE.apps.googleusercontent.com' }, 'google'],
    ['Google (bare issuer)', { iss: 'accounts.google.com' }, 'google'],
    ['Entra v1', { iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/', tid: '0000' }, 'entra'],
    ['Entra v2', { iss: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0' }, 'entra'],
    ['Entra by tid/oid', { iss: 'https://custom.example.com', tid: 'FAKE', oid: 'FAKE' }, 'entra'],
    ['Cognito', { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_FAKE0000', token_use: 'access' }, 'cognito'],
    ['Auth0', { iss: 'https://fake-tenant.us.auth0.com/' }, 'auth0'],
    ['Okta', { iss: 'https://fake-org.okta.com/oauth2/default' }, 'okta'],
    ['Supabase legacy key', { iss: 'supabase', ref: 'FAKE', role: 'anon' }, 'supabase'],
    ['Supabase user token', { iss: 'https://fakeproject0000.supabase.co/auth/v1' }, 'supabase'],
    ['Firebase', { iss: 'https://securetoken.google.com/fake-project', firebase: {} }, 'firebase'],
    ['unknown', { iss: 'https://issuer.example.com' }, undefined],
    ['lookalike host', { iss: 'https://auth0.com.attacker.example/' }, undefined],
    ['no iss', {}, undefined],
  ])('%s', (_n, payload, family) => {
    expect(detectFamily(payload)).toBe(family);
  });
});

describe('familyProblems', () => {
  it('Supabase service_role → critical service-role', () => {
    expect(familyProblems('supabase', { role: 'service_role' }, [])).toEqual([expect.objectContaining({ id: 'service-role', severity: 'critical' })]);
    expect(familyProblems('supabase', { role: 'anon' }, [])).toEqual([]);
    expect(familyProblems(undefined, { role: 'service_role' }, [])).toEqual([]);
  });

  it('Entra Graph token with application roles → admin-audience', () => {
    expect(familyProblems('entra', { roles: ['User.Read.All'] }, ['https://graph.microsoft.com'])).toEqual([
      expect.objectContaining({ id: 'admin-audience', severity: 'high' }),
    ]);
    expect(familyProblems('entra', { scp: 'User.Read' }, ['https://graph.microsoft.com'])).toEqual([]);
  });
});
