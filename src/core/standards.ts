// Which standards a finding or credential falls under: the OWASP Non-Human Identities Top 10
// (2025) and CWE. One table, read by the credential view, the reporters and (for tags they name)
// policies. A tag is written "OWASP-NHI<n>" or "CWE-<n>", the same in JSON, text and SARIF.

import type { Finding } from './types.js';

export interface Taxon {
  /** the id inside its taxonomy: "NHI2", "798" */
  id: string;
  name: string;
  description: string;
  helpUri: string;
}

export interface Taxonomy {
  name: string;
  version: string;
  organization: string;
  informationUri: string;
  description: string;
  /** how a tag of this taxonomy is written: tagOf("NHI2") = "OWASP-NHI2" */
  tagPrefix: string;
  taxa: Taxon[];
}

/** The 2025 list: one page with every entry. */
const NHI_URI = 'https://owasp.org/www-project-non-human-identities-top-10/2025/top-10-2025';

/** OWASP Non-Human Identities Top 10, 2025 edition (https://owasp.org/www-project-non-human-identities-top-10/). */
export const OWASP_NHI: Taxonomy = {
  name: 'OWASP NHI Top 10',
  version: '2025',
  organization: 'OWASP',
  informationUri: 'https://owasp.org/www-project-non-human-identities-top-10/',
  description: 'OWASP Non-Human Identities Top 10 (2025): the main risks of service accounts, API keys, tokens and other machine credentials.',
  tagPrefix: 'OWASP-',
  taxa: [
    { id: 'NHI1', name: 'Improper Offboarding', description: 'Credentials of retired services and people stay valid.', helpUri: NHI_URI },
    { id: 'NHI2', name: 'Secret Leakage', description: 'A credential is exposed in code, history, logs, CI or messages, where others can copy it.', helpUri: NHI_URI },
    { id: 'NHI3', name: 'Vulnerable Third-Party NHI', description: 'Third-party integrations hold credentials that a compromise of the vendor exposes.', helpUri: NHI_URI },
    { id: 'NHI4', name: 'Insecure Authentication', description: 'Weak or deprecated authentication: unsigned or weakly keyed tokens, unbound bearer tokens.', helpUri: NHI_URI },
    { id: 'NHI5', name: 'Overprivileged NHI', description: 'A credential grants more than its workload needs: broad scopes, admin audiences.', helpUri: NHI_URI },
    { id: 'NHI6', name: 'Insecure Cloud Deployment Configurations', description: 'CI/CD and cloud deployments authenticate with static secrets instead of federated identity.', helpUri: NHI_URI },
    { id: 'NHI7', name: 'Long-Lived Secrets', description: 'A credential that never expires or lives far longer than its use.', helpUri: NHI_URI },
    { id: 'NHI8', name: 'Environment Isolation', description: 'The same identity is used across environments (test and production).', helpUri: NHI_URI },
    { id: 'NHI9', name: 'NHI Reuse', description: 'One credential serves several workloads, places or owners.', helpUri: NHI_URI },
    { id: 'NHI10', name: 'Human Use of NHI', description: 'People use machine credentials by hand.', helpUri: NHI_URI },
  ],
};

/** The CWE entries tokensprawl maps to (https://cwe.mitre.org/). */
export const CWE: Taxonomy = {
  name: 'CWE',
  version: '4.16',
  organization: 'MITRE',
  informationUri: 'https://cwe.mitre.org/',
  description: 'The MITRE Common Weakness Enumeration.',
  tagPrefix: 'CWE-',
  taxa: [
    { id: '347', name: 'Improper Verification of Cryptographic Signature', description: 'A token whose signature is absent, forgeable or fails to verify.', helpUri: 'https://cwe.mitre.org/data/definitions/347.html' },
    { id: '532', name: 'Insertion of Sensitive Information into Log File', description: 'A credential written to a log, a CI log or a queued message.', helpUri: 'https://cwe.mitre.org/data/definitions/532.html' },
    { id: '613', name: 'Insufficient Session Expiration', description: 'A token that never expires or lives too long.', helpUri: 'https://cwe.mitre.org/data/definitions/613.html' },
    { id: '798', name: 'Use of Hard-coded Credentials', description: 'A credential stored in code, configuration or history.', helpUri: 'https://cwe.mitre.org/data/definitions/798.html' },
  ],
};

export const TAXONOMIES: readonly Taxonomy[] = [OWASP_NHI, CWE];

export const TAG = {
  secretLeakage: 'OWASP-NHI2',
  insecureAuthentication: 'OWASP-NHI4',
  overprivileged: 'OWASP-NHI5',
  longLived: 'OWASP-NHI7',
  reuse: 'OWASP-NHI9',
  hardcoded: 'CWE-798',
  inLog: 'CWE-532',
  expiration: 'CWE-613',
  signature: 'CWE-347',
} as const;

/** The taxonomy and taxon a tag names, or undefined for a tag that is not a known standard. */
export function taxonOf(tag: string): { taxonomy: Taxonomy; taxon: Taxon } | undefined {
  for (const taxonomy of TAXONOMIES) {
    if (!tag.startsWith(taxonomy.tagPrefix)) continue;
    const taxon = taxonomy.taxa.find((t) => t.id === tag.slice(taxonomy.tagPrefix.length));
    if (taxon) return { taxonomy, taxon };
  }
  return undefined;
}

/** Whether a tag names a known OWASP NHI or CWE entry (for checking policies' `tags`). */
export function isStandardTag(tag: string): boolean {
  return taxonOf(tag) !== undefined;
}

/** Standards of each JWT problem id (analyze/jwt.ts, analyze/families.ts). */
const PROBLEM_TAGS: Record<string, readonly string[]> = {
  'alg-none': [TAG.insecureAuthentication, TAG.signature],
  'weak-secret': [TAG.insecureAuthentication, TAG.signature],
  'bad-signature': [TAG.signature],
  unbound: [TAG.insecureAuthentication],
  'typ-confusion': [TAG.insecureAuthentication],
  'id-token': [TAG.insecureAuthentication],
  'dpop-proof': [TAG.insecureAuthentication],
  'no-expiry': [TAG.longLived, TAG.expiration],
  'long-lifetime': [TAG.longLived, TAG.expiration],
  'ms-timestamp': [TAG.longLived, TAG.expiration],
  'no-audience': [TAG.overprivileged],
  'service-role': [TAG.overprivileged],
  'admin-audience': [TAG.overprivileged],
};

export function problemTags(problemId: string): readonly string[] {
  return PROBLEM_TAGS[problemId] ?? [];
}

/**
 * Every rule's finding is an exposed credential (NHI2) stored where it should not be (CWE-798);
 * one in a CI log or a queued message was also written to a log (CWE-532).
 */
export function ruleTags(source?: Finding['location']['source']): string[] {
  const tags: string[] = [TAG.secretLeakage, TAG.hardcoded];
  if (source === 'ci-log' || source === 'queue') tags.push(TAG.inLog);
  return tags;
}

/** The standards one finding falls under: its rule, its source, its JWT problems and any tags it carries (policies). */
export function findingTags(f: Pick<Finding, 'location' | 'jwt' | 'tags'>): string[] {
  return sortTags([...ruleTags(f.location.source), ...(f.jwt?.problems ?? []).flatMap((p) => problemTags(p.id)), ...(f.tags ?? [])]);
}

/** Unique, OWASP before CWE, each in number order; unknown tags last, alphabetically. */
export function sortTags(tags: Iterable<string>): string[] {
  const key = (t: string): [number, number, string] => {
    const hit = taxonOf(t);
    if (!hit) return [TAXONOMIES.length, 0, t];
    return [TAXONOMIES.indexOf(hit.taxonomy), Number(hit.taxon.id.replace(/\D/g, '')), t];
  };
  return [...new Set(tags)].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0] - kb[0] || ka[1] - kb[1] || (ka[2] < kb[2] ? -1 : ka[2] > kb[2] ? 1 : 0);
  });
}

/** GitHub code scanning's own form of a CWE tag ("external/cwe/cwe-798"), which it shows and filters on. */
export function githubTag(tag: string): string | undefined {
  const m = /^CWE-(\d+)$/.exec(tag);
  return m ? `external/cwe/cwe-${m[1]}` : undefined;
}
