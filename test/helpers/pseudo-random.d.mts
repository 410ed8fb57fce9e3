export declare const DIGITS: string;
export declare const HEX: string;
export declare const UPPER: string;
export declare const LOWER: string;
export declare const LETTERS: string;
export declare const ALNUM: string;
export declare const BASE64URL: string;
export declare const BASE64: string;
export declare const BASE32: string;
/** `n` characters of `charset`, derived from sha256(label:seed:counter) blocks. */
export declare function pseudoRandom(charset: string, n: number, seed: string | number, label?: string): string;
