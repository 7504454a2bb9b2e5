// Keys are ordered by Unicode code point, which is the byte order of their UTF-8 encoding and so the
// order LMDB keeps. JavaScript's `<` compares UTF-16 code units instead, which puts astral characters
// (stored as surrogates, 0xD800-0xDFFF) before U+E000-U+FFFF; the memory store must not disagree with disk.

function codePointRank(codeUnit: number): number {
  if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) return codeUnit + 0x2000;
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  return codeUnit;
}

export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
