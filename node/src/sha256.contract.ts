// The texts sha256.test.ts (under Bun) and sha256.node-test.ts (under Node) hash both ways: empty,
// short, a leaf's text, Cyrillic, an astral character beside U+E000, bytes that are not ASCII, and long.

export const SHA256_TEXTS: readonly string[] = ['', 'k', 'key:42\n000000000001.0000.aaaaaaaaaaaaaaaa', 'ключ', '\u{1F600} and \uE000', '\u00ff\u0080\u0000', 'x'.repeat(10_000)];
