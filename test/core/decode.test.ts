import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeLayers, looksEncoded, pointerSegment } from '../../src/core/decode.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const b64url = (s: string): string => Buffer.from(s).toString('base64url');
// visibly fake values; the decoder does not care what a token looks like
const OPAQUE = 'FAKE0000opaque0000token0000EXAMPLE';
const PAT = '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';

describe('decodeLayers', () => {
  it.each([
    ['base64 text', b64(`Authorization: Bearer ${OPAQUE}`), [{ text: `Authorization: Bearer ${OPAQUE}`, layers: ['base64'] }]],
    [
      'unpadded base64url JSON',
      b64url(JSON.stringify({ access_token: OPAQUE, expires_in: 3600 })),
      [{ text: `"access_token": "${OPAQUE}"`, layers: ['base64', 'json'], pointer: '/access_token' }],
    ],
    [
      'gzip inside base64',
      b64(gzipSync(JSON.stringify({ creds: { github: PAT } }))),
      [{ text: `"github": "${PAT}"`, layers: ['base64', 'gzip', 'json'], pointer: '/creds/github' }],
    ],
    [
      'JSON inside a JSON string',
      JSON.stringify({ headers: { authorization: `Bearer ${OPAQUE}` }, n: 1 }),
      [{ text: `"authorization": "Bearer ${OPAQUE}"`, layers: ['json'], pointer: '/headers/authorization' }],
    ],
    [
      'URL-encoded form body',
      `access_token=${OPAQUE}%2B%2F0000&token_type=bearer`,
      [{ text: `access_token=${OPAQUE}+/0000`, layers: ['url'] }],
    ],
    [
      'percent-encoded JSON',
      encodeURIComponent(JSON.stringify({ refresh_token: OPAQUE })),
      [{ text: `"refresh_token": "${OPAQUE}"`, layers: ['url', 'json'], pointer: '/refresh_token' }],
    ],
    [
      'base64 → json → url',
      b64(JSON.stringify({ callback: `access_token=${PAT.replace('_', '%5F')}&state=FAKE%2Fstate` })),
      [{ text: `access_token=${PAT}`, layers: ['base64', 'json', 'url'], pointer: '/callback' }],
    ],
    [
      'JSON → json (an SNS envelope in an SQS body)',
      JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ auth: { id_token: OPAQUE } }) }),
      // "Notification" is too short to be a token: only the nested field is kept
      [{ text: `"id_token": "${OPAQUE}"`, layers: ['json', 'json'], pointer: '/Message/auth/id_token' }],
    ],
  ])('peels %s', (_name, input, expected) => {
    expect(decodeLayers(input)).toEqual(expected);
  });

  it('keeps a decoded text that also peels as base64, and its decoding', () => {
    const inner = `token ${OPAQUE}`;
    const twice = b64(b64(inner));
    expect(decodeLayers(twice)).toEqual([
      { text: b64(inner), layers: ['base64'] },
      { text: inner, layers: ['base64', 'base64'] },
    ]);
  });

  it.each([
    ['a plain GitHub token (base64url alphabet, binary when decoded)', PAT],
    ['a hex digest', 'fafb00f5732ab283681e124bf8747ed1'],
    ['base64 of random bytes', Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 97 + 13) % 256)).toString('base64')],
    ['a JWT (dots are not base64)', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJGQUtFIn0.FAKEsignature0000'],
    ['a short base64 string', b64('hi')],
    ['a form body without escapes', `access_token=${OPAQUE}&token_type=bearer`],
    ['prose', 'the order was shipped to the customer today'],
    ['broken JSON', '{"access_token": "FAKE0000'],
    ['a malformed escape', '%E0%A4%Azzzzzzzzzzzzzzzzzz'],
    ['gzip magic with garbage', b64(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(30, 7)]))],
  ])('leaves %s alone', (_name, input) => {
    expect(decodeLayers(input)).toEqual([]);
  });

  it('stops at the depth limit', () => {
    let v = `Bearer ${OPAQUE}`;
    for (let i = 0; i < 8; i++) v = b64(v);
    const deep = decodeLayers(v, 3);
    expect(deep.length).toBe(3);
    expect(deep.every((d) => d.layers.length <= 3)).toBe(true);
    expect(deep.some((d) => d.text.includes(OPAQUE))).toBe(false);
    expect(decodeLayers(v).length).toBe(6);
  });

  it('does not inflate a gzip bomb past its limit', () => {
    const bomb = b64(gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x41)));
    expect(decodeLayers(bomb)).toEqual([]);
  });

  it('skips short JSON fields and escapes pointer segments', () => {
    const doc = JSON.stringify({ 'a/b': { 'c~d': OPAQUE }, short: 'abc', list: [OPAQUE] });
    expect(decodeLayers(doc)).toEqual([
      { text: `"c~d": "${OPAQUE}"`, layers: ['json'], pointer: '/a~1b/c~0d' },
      { text: OPAQUE, layers: ['json'], pointer: '/list/0' },
    ]);
  });

  it('never throws', () => {
    const nasty = ['', '{', '[[[[[[[[[[[[[[[[[[[[', '"\\ud800"', '%', '====', '\u0000'.repeat(40), '['.repeat(100000)];
    for (const v of nasty) expect(() => decodeLayers(v)).not.toThrow();
  });
});

describe('looksEncoded', () => {
  it.each([
    [b64('some text that is long enough'), true],
    ['{"a":"b","c":"ddddddddddd"}', true],
    ['a=1&b=2&c=333333333333', true],
    ['Bearer%20abcdefghijklmnop', true],
    ['plain words, nothing encoded', false],
    ['short', false],
    ['abc+def/ghi-jkl_mnop1234', false],
  ])('%s → %s', (v, expected) => {
    expect(looksEncoded(v)).toBe(expected);
  });
});

describe('pointerSegment', () => {
  it('escapes ~ and / (RFC 6901)', () => {
    expect(pointerSegment('a/b~c')).toBe('a~1b~0c');
    expect(pointerSegment('plain')).toBe('plain');
  });
});
