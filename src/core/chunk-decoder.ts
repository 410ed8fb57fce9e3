/**
 * Decodes the chunks of a large file (sources/chunks.ts counts their columns, detect/locate.ts
 * decodes them for scanning; both must agree). A chunk starts anywhere in the file, so a U+FEFF
 * at its start is a character, not a byte-order mark to drop, as TextDecoder does by default.
 */
export const chunkDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
