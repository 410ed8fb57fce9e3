// Providers that share a prefix: sk_live_ (Stripe, Paystack, Clerk, WorkOS) and whsec_ (Stripe,
// Svix and the services that send webhooks through it). Each provider's own form must be named
// for that provider, whatever the order of the rule files; the bare prefix falls back to Stripe.
import { describe, expect, it } from 'vitest';
import type { Fragment } from '../../src/core/types.js';
import { createDetector, detect } from '../../src/detect/detect.js';
import { loadRules } from '../../src/rules/load.js';

const rules = await loadRules({ builtin: true, dirs: [] });

function ruleIdsFor(text: string, order: 'as-is' | 'reversed' = 'as-is'): string[] {
  const detector = createDetector(order === 'as-is' ? rules : [...rules].reverse());
  const fragment: Fragment = { text, provenance: { kind: 'dir', path: 'app/.env' }, line: 1, column: 1 };
  return detect(fragment, detector).map((m) => m.ruleId);
}

const STRIPE_LONG = 'sk_live_51FAKEh7RpwpLE4wBIZYOMwJ1HR9wPi1lHFmxAc7erxOpnIJZ5arfEZvuWk4C3Vjoii7W44j9pL2EQQVflx0Ca8iVN373MdDS9V';
const SK_LIVE_SHORT = 'sk_live_oySjTneAAvIDAFAKEdn1Ay5XL8Sb24WKyEa8wtWy';
const PAYSTACK = 'sk_live_d6bbdeaddb2478e8e4cae00365fa750e1138eec8';
const WHSEC_ALNUM = 'whsec_FAKEsvixEXAMPLE0Hq2mT9vLw4Rk7Yp3';
const WHSEC_BASE64 = 'whsec_FAKEE/sNji+jy7/k99bBqbh/bgH/WrPH';

describe('sk_live_ keys', () => {
  it.each([
    ['Stripe, named', `STRIPE_SECRET_KEY=${STRIPE_LONG}`, 'stripe-secret-key'],
    ['Stripe, in a curl command', `curl https://api.stripe.com/v1/charges -u ${SK_LIVE_SHORT}:`, 'stripe-secret-key'],
    ['a bare sk_live_ key (no name, not Paystack-shaped): Stripe, the prefix owner', `key = "${SK_LIVE_SHORT}"`, 'stripe-secret-key'],
    ['Paystack: 40 lowercase hex', `PAYSTACK_SECRET_KEY=${PAYSTACK}`, 'paystack-secret-key'],
    ['Paystack, unnamed, in a Bearer header', `Authorization: Bearer ${PAYSTACK}`, 'paystack-secret-key'],
    ['Clerk, by its variable', `CLERK_SECRET_KEY=${SK_LIVE_SHORT}`, 'clerk-secret-key'],
    ['Clerk, camelCase in code', `clerkSecretKey: "${SK_LIVE_SHORT}"`, 'clerk-secret-key'],
    ['WorkOS, by its variable', `WORKOS_API_KEY="${SK_LIVE_SHORT}"`, 'workos-api-key'],
    ['WorkOS, lower-case YAML key', `workos_api_key: ${STRIPE_LONG.slice(0, 72)}`, 'workos-api-key'],
    ['SumUp uses its own prefix', 'SUMUP_API_KEY=sup_sk_nC5wEXAMPLEisGrp5viKeao25SuiLZjd', 'sumup-api-key'],
  ])('%s', (_why, text, expected) => {
    expect(ruleIdsFor(text)).toEqual([expected]);
    expect(ruleIdsFor(text, 'reversed')).toEqual([expected]);
  });
});

describe('whsec_ secrets', () => {
  it.each([
    ['Stripe, named', `STRIPE_WEBHOOK_SECRET=${WHSEC_ALNUM}`, 'stripe-webhook-secret'],
    ['alphanumeric and unnamed: Stripe, the prefix owner', `secret: ${WHSEC_ALNUM}`, 'stripe-webhook-secret'],
    ['Stripe CLI form (64 hex)', 'STRIPE_WEBHOOK_SECRET=whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0', 'stripe-webhook-secret'],
    ['base64 with + and /: Svix, whatever the name', `WEBHOOK_SECRET=${WHSEC_BASE64}`, 'svix-webhook-secret'],
    ['base64 with + and / even under a Stripe-looking name', `stripe_whsec = "${WHSEC_BASE64}"`, 'svix-webhook-secret'],
    ['alphanumeric under a Svix name', `SVIX_WEBHOOK_SECRET=${WHSEC_ALNUM}`, 'svix-webhook-secret-named'],
    ['alphanumeric under a Clerk name (Clerk sends webhooks through Svix)', `CLERK_WEBHOOK_SIGNING_SECRET="${WHSEC_ALNUM}"`, 'svix-webhook-secret-named'],
  ])('%s', (_why, text, expected) => {
    expect(ruleIdsFor(text)).toEqual([expected]);
    expect(ruleIdsFor(text, 'reversed')).toEqual([expected]);
  });
});

describe('sk_test_ keys', () => {
  it.each([
    ['Stripe test key', 'STRIPE_KEY=sk_test_51FAKEHrDJ1ZDMupExL6jTvHTpKlBJhjQvUYQ7AP2BLfIH0YwEi2Uz4Od', 'stripe-test-key'],
    ['Paystack test key: 40 lowercase hex', 'PAYSTACK_SECRET_KEY=sk_test_2d29dead07c02d4110e5388e4ee97d287abc2743', 'paystack-test-secret-key'],
  ])('%s', (_why, text, expected) => {
    expect(ruleIdsFor(text)).toEqual([expected]);
    expect(ruleIdsFor(text, 'reversed')).toEqual([expected]);
  });
});
