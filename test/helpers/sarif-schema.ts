// Validation against the OASIS SARIF 2.1.0 schema (draft-04) shipped with @microsoft/jest-sarif.
// Shared by the SARIF reporter, merge and end-to-end tests.
import { readFileSync } from 'node:fs';
import Ajv04Module from 'ajv-draft-04';

const Ajv04 = Ajv04Module.default;
const schemaUrl = new URL('../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json', import.meta.url);
// The schema's patterns use \p{…}-free legacy syntax that the `u` flag rejects.
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
// RFC 3986 characters only (percent-encoding for the rest); `uri` also needs a scheme.
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
ajv.addFormat('uri', (s: string) => URI_CHARS.test(s) && /^[a-z][a-z0-9+.-]*:/i.test(s));
ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s));
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s));

export const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')) as object);

/** The schema violations of `doc` as readable lines; [] when it is valid SARIF 2.1.0. */
export function sarifSchemaErrors(doc: unknown): string[] {
  if (validateSarif(doc)) return [];
  return (validateSarif.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
