// JSON Schema (draft-07) of `.tokensprawl.yaml`. Unknown keys are errors: a typo such as
// `disableRules` must not silently do nothing.

import { FAIL_ON_CHOICES } from '../core/severity.js';
import { PRECISIONS } from '../rules/precision.js';

export const RULE_ID_PATTERN = '^[a-z0-9][a-z0-9-]*$';
export const SHA256_PATTERN = '^[0-9a-f]{64}$';
/** a date (YYYY-MM-DD) or an ISO-8601 date-time with a zone */
export const EXPIRES_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';
/** what --max-lifetime accepts: seconds, or <n><unit> groups such as 15m, 1h30m, 30d */
export const DURATION_PATTERN = '^(\\d+|(\\d+[smhdwSMHDW])+)$';
/** a policy id: its findings are `policy/<id>` */
export const POLICY_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';

const SEVERITY_ENUM = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** An input of a policy's examples: the three CEL variables, each an object. */
const policyExampleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { type: 'object' }, credential: { type: 'object' }, limits: { type: 'object' } },
} as const;

/**
 * One entry of `policies:` (in a config or a --policy file). Only `id` is required here: an
 * entry with the id of a default policy tunes it (the fields it gives replace the default's);
 * a new policy must give when, severity and message (checked when the policies are combined).
 */
export const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { type: 'string', pattern: POLICY_ID_PATTERN },
    when: { description: 'CEL expression over token, credential and limits', type: 'string', minLength: 1, maxLength: 2000 },
    severity: { enum: SEVERITY_ENUM },
    message: { type: 'string', pattern: '\\S', maxLength: 500 },
    description: { type: 'string', maxLength: 2000 },
    tags: { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 } },
    enabled: { type: 'boolean' },
    raise: {
      description: 'the severity rises to the first entry whose when holds',
      type: 'array',
      maxItems: 8,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['when', 'severity'],
        properties: { when: { type: 'string', minLength: 1, maxLength: 2000 }, severity: { enum: SEVERITY_ENUM } },
      },
    },
    examples: { type: 'array', maxItems: 100, items: policyExampleSchema },
    negativeExamples: { type: 'array', maxItems: 100, items: policyExampleSchema },
  },
} as const;

/** A --policy file: the same `policies:` list as a config. */
export const policyFileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/tokensprawl/tokensprawl/policy/schema.json',
  title: 'tokensprawl policies (--policy FILE)',
  type: 'object',
  additionalProperties: false,
  required: ['policies'],
  properties: {
    $schema: { type: 'string' },
    policies: { type: 'array', maxItems: 500, items: policySchema },
  },
} as const;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/tokensprawl/tokensprawl/config/schema.json',
  title: 'tokensprawl configuration (.tokensprawl.yaml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    ignore: {
      description: 'gitignore-style globs of paths not to scan, relative to the scanned root',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    allow: {
      description: 'secrets accepted after review, by the sha256 shown in reports',
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sha256', 'reason'],
        properties: {
          sha256: { type: 'string', pattern: SHA256_PATTERN },
          reason: { type: 'string', pattern: '\\S' },
          expires: {
            description: 'after this date (end of that UTC day) or date-time the secret is reported again',
            type: 'string',
            pattern: EXPIRES_PATTERN,
          },
        },
      },
    },
    disabledRules: {
      description: 'rule ids not to run',
      type: 'array',
      items: { type: 'string', pattern: RULE_ID_PATTERN },
    },
    maxLifetime: {
      description: 'longest acceptable JWT lifetime, e.g. 15m, 1h, 30d (a number is seconds)',
      type: ['string', 'integer'],
      pattern: DURATION_PATTERN,
      minimum: 1,
    },
    failOn: {
      description: 'lowest severity that makes the scan exit 1',
      enum: FAIL_ON_CHOICES,
    },
    minPrecision: {
      description: 'only run rules of at least this precision (generic context rules are medium unless they say otherwise)',
      enum: [...PRECISIONS].reverse(),
    },
    policies: {
      description: 'policies as code: { id, when (CEL), severity, message, tags }; an entry with a default policy\'s id tunes or (enabled: false) turns it off',
      type: 'array',
      maxItems: 500,
      items: policySchema,
    },
    rules: {
      description: 'extra rule directories, rule files (.yaml) or gitleaks rule files (.toml), relative to this file',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
  },
} as const;
