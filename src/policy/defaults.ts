// The shipped default policies (policies/default.yaml), loaded and compiled once per process on
// first use: what the JWT analyser judges with when its caller gives no PolicySet of its own.
// The build validates the file and stores it as dist/default-policies.json (keyed by the file's
// hash), so that a run reads JSON instead of loading yaml and compiling the schema (~100 ms).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICIES_FILE, parsePolicyFile } from './load.js';
import { buildPolicySet } from './set.js';
import type { PolicySet, PolicySpec } from './types.js';

const LABEL = 'policies/default.yaml';
const CACHE_FILE = fileURLToPath(new URL('../default-policies.json', import.meta.url));

let specs: Promise<PolicySpec[]> | undefined;
let set: Promise<PolicySet> | undefined;

async function readDefaults(cacheFile: string): Promise<PolicySpec[]> {
  const text = await readFile(DEFAULT_POLICIES_FILE, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  try {
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { hash?: string; policies?: PolicySpec[] };
    if (cached.hash === hash && Array.isArray(cached.policies)) return cached.policies;
  } catch {
    // no cache (running from src/) or an unreadable one: parse the file
  }
  return parsePolicyFile(text, LABEL);
}

export function defaultPolicySpecs(): Promise<PolicySpec[]> {
  specs ??= readDefaults(CACHE_FILE);
  return specs;
}

export function defaultPolicySet(): Promise<PolicySet> {
  set ??= defaultPolicySpecs().then((policies) => buildPolicySet({ defaults: { file: LABEL, policies } }).set);
  return set;
}

/** Validates and compiles the shipped policies, then stores them for defaultPolicySpecs(); run by the build. */
export async function writeDefaultPolicyCache(cacheFile = CACHE_FILE): Promise<void> {
  const text = await readFile(DEFAULT_POLICIES_FILE, 'utf8');
  const policies = parsePolicyFile(text, LABEL);
  buildPolicySet({ defaults: { file: LABEL, policies } }); // throws PolicyError on a bad expression
  const hash = createHash('sha256').update(text).digest('hex');
  await writeFile(cacheFile, `${JSON.stringify({ hash, policies })}\n`);
}
