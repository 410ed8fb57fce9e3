import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Well-known and trivial HMAC secrets. A token whose HS256/384/512 signature verifies with
 * one of these can be forged by anyone, so the check is cheap and always on.
 * Values are never reported: a finding names the group (`label`), not the secret.
 */
export interface WeakSecret {
  label: string;
  key: Buffer;
}

const JWT_IO = ['your-256-bit-secret', 'your-384-bit-secret', 'your-512-bit-secret', 'a-string-secret-at-least-256-bits-long'];

/** base64url `k` values of the HMAC keys printed in the JOSE RFCs (7515 A.1 = 7517 A.3, 7517 A.3 A128KW, 7520 §3.5). */
const RFC_KEYS_B64U = [
  'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  'GawgguFyGrWKav7AX4VKUg',
  'hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg',
];

/** Defaults and sample values from framework docs, READMEs, starter kits and tutorials. */
const SAMPLES = [
  // Node: jsonwebtoken, express-jwt, express-session, passport-jwt, Strapi, Payload
  'shhhhh', 'shhhhhared-secret', 'keyboard cat', 'secretOrPrivateKey', 'secretOrKey', 'tobemodified',
  'toBeModified', 'toBeModified1', 'YOUR_SECRET_HERE', 'your_jwt_secret', 'your-jwt-secret', 'jwt_secret',
  'jwt-secret', 'JWT_SECRET', 'jwtSecret', 'jwtsecret', 'JWTSecret', 'jwtkey', 'jwt-key', 'jwt_key',
  'jwtsecretkey', 'jwt-secret-key', 'jwt_secret_key', 'JWT_SECRET_KEY',
  // Supabase local development default (also the CLI's)
  'super-secret-jwt-token-with-at-least-32-characters-long',
  // Python: Flask, Flask-JWT-Extended, Flask mega-tutorial, Flasky, Django test settings, FastAPI docs
  'super-secret', 'dev', 'development key', 'you-will-never-guess', 'hard to guess string', 'hard-to-guess-string',
  'secret-key-goes-here', 'this-really-needs-to-be-changed', 'super secret key', 'a secret key',
  'django_tests_secret_key', 'django-insecure', 'your-secret-key-here',
  '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7',
  // PHP: firebase/php-jwt README, Laravel's old .env.example
  'example_key', 'SomeRandomString', 'somerandomstring', 'base64:SomeRandomString',
  // Ruby: ruby-jwt README, Rails
  'my$ecretK3y', 'secret_key_base', 'development_secret', 'test_secret_key_base',
  // Go: golang-jwt examples
  'AllYourBase', 'mySigningKey',
  // Java/Spring tutorials
  'SecretKeyToGenJWTs', 'javainuse', 'bezKoderSecretKey', 'bezkoderSecretKey', 'mySecret', 'jwtSigningKey',
  'secretkey123', 'ThisIsASecret', 'thisisasecret', 'this-is-a-secret', 'thisismysecret', 'ThisIsMySecret',
  'thisisasecretkey', 'ThisIsASecretKey', 'ThisIsMySecretKey', 'ThisIsSecret',
  // .NET tutorials
  'this is my custom Secret key for authentication', 'MySuperSecretKey', 'my_super_secret_key', 'super_secret_key',
  'superSecretKey@345', 'SuperSecretKey', 'SuperSecret',
  // placeholders left in config
  'secret', 'Secret', 'SECRET', 'secretkey', 'secret-key', 'secret_key', 'SECRET_KEY', 'SecretKey', 'secret key',
  'mysecret', 'my-secret', 'my_secret', 'MySecret', 'my secret', 'mysecretkey', 'my-secret-key', 'my_secret_key',
  'mySecretKey', 'MySecretKey', 'your-secret', 'yoursecret', 'your_secret', 'your-secret-key', 'your_secret_key',
  'YOUR_SECRET_KEY', 'YOUR_SECRET', 'supersecret', 'super_secret', 'supersecretkey', 'super-secret-key',
  'supersecretpassword', 'topsecret', 'top_secret', 'top-secret', 'changeme', 'change-me', 'change_me',
  'ChangeMe', 'CHANGEME', 'changeit', 'changethis', 'change-this-secret', 'replaceme', 'replace-me',
  'replace_me', 'default', 'defaultsecret', 'default-secret', 'default_secret', 'notsecret', 'not-a-secret',
  'notasecret', 'insecure', 'unsafe', 'testsecret', 'test-secret', 'test_secret', 'devsecret', 'dev-secret',
  'dev_secret', 'localsecret', 'example-secret', 'demo-secret', 'tokensecret', 'token-secret', 'authsecret',
  'auth-secret', 'auth_secret', 'appsecret', 'app-secret', 'app_secret', 'apisecret', 'api-secret',
  'api_secret', 'apikey', 'api-key', 'privatekey', 'private-key', 'signing-key', 'signingkey', 'signing_key',
  'hmac-secret', 'hmacsecret', 'hmac_secret', 'session-secret', 'session_secret', 'sessionsecret',
  'cookie-secret', 'cookiesecret', 's3cr3t', 's3cret', 'sekret', 'secret123', 'secret1', 'Secret123',
  's3cr3t_k3y',
];

/** Words, names and passwords that people type when asked for "a secret". */
const COMMON = [
  'password', 'Password', 'password1', 'password123', 'Password1', 'P@ssw0rd', 'passw0rd', 'pass', 'passwd',
  'mypassword', '123456', '1234567', '12345678', '123456789', '1234567890', '1234', '12345', '111111',
  '000000', '0', '1', '42', 'qwerty', 'qwerty123', 'qwertyuiop', '1q2w3e4r', 'abc123', 'abcd1234', 'abc',
  'abcdef', 'asdf', 'asdfgh', 'zxcvbn', 'letmein', 'welcome', 'admin', 'admin123', 'administrator', 'root',
  'toor', 'guest', 'user', 'login', 'iloveyou', 'monkey', 'dragon', 'master', 'trustno1', 'hello',
  'hello123', 'hello world', 'helloworld', 'HelloWorld', 'foo', 'bar', 'baz', 'foobar', 'test', 'Test',
  'TEST', 'test123', 'testing', 'testkey', 'test key', 'development', 'local', 'example', 'sample', 'demo',
  'key', 'mykey', 'key123', 'token', 'jwt', 'JWT', 'auth', 'app', 'api', 'private', 'public', 'none',
  'null', 'undefined', 'xxx', 'xxxxxx', 'a', 'shh', 'shhh', 'shhhh', 'node', 'nodejs', 'express', 'laravel',
  'django', 'rails', 'spring', 'flask', 'symfony',
];

function fromB64u(s: string): Buffer {
  return Buffer.from(s, 'base64url');
}

export const WEAK_SECRETS: readonly WeakSecret[] = [
  { label: 'an empty secret', key: Buffer.alloc(0) },
  ...JWT_IO.map((s) => ({ label: "jwt.io's sample secret", key: Buffer.from(s, 'utf8') })),
  ...RFC_KEYS_B64U.map((s) => ({ label: 'an example key published in a JOSE RFC', key: fromB64u(s) })),
  ...SAMPLES.map((s) => ({ label: 'a framework or tutorial sample value', key: Buffer.from(s, 'utf8') })),
  ...COMMON.map((s) => ({ label: 'a common word or password', key: Buffer.from(s, 'utf8') })),
];

const HMAC_HASH: Record<string, { hash: string; bytes: number }> = {
  HS256: { hash: 'sha256', bytes: 32 },
  HS384: { hash: 'sha384', bytes: 48 },
  HS512: { hash: 'sha512', bytes: 64 },
};

export function isHmacAlg(alg: unknown): alg is string {
  return typeof alg === 'string' && alg in HMAC_HASH;
}

/**
 * The list entry whose HMAC over `header.payload` equals the signature, or null.
 * One HMAC per candidate; a signature of the wrong length is rejected before any.
 */
export function findWeakSecret(
  token: string,
  alg: string,
  secrets: readonly WeakSecret[] = WEAK_SECRETS,
): WeakSecret | null {
  const spec = HMAC_HASH[alg];
  if (!spec) return null;
  const lastDot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(lastDot + 1), 'base64url');
  if (signature.length !== spec.bytes) return null;
  const signingInput = token.slice(0, lastDot);
  for (const candidate of secrets) {
    const mac = createHmac(spec.hash, candidate.key).update(signingInput).digest();
    if (timingSafeEqual(mac, signature)) return candidate;
  }
  return null;
}
