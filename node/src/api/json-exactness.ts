// A value is stored exactly as sent, or refused: never silently changed. Two things JSON.parse would
// change are caught here, on the request's text, before it is parsed:
//
// - numbers a double cannot hold: `1e400` becomes Infinity (stored as null), and an integer beyond
//   2^53 or a decimal with more than 17 significant digits loses digits. A number is accepted only if
//   it reads back as the same decimal value (`1.50` and `1.5` are the same value; `2^64` is not).
// - nesting beyond JSON_DEPTH_MAX, which the serialiser cannot handle (it recurses and overflows).

import { SwarmError } from '../errors';
import { JSON_DEPTH_MAX } from '../limits';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A decimal's value as `digits e exponent`, without leading or trailing zeros; zero is "0" whatever its sign. */
function canonicalDecimal(text: string): string {
  const negative = text.startsWith('-');
  const [mantissa = '', exponentText = '0'] = (negative ? text.slice(1) : text).toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(exponentText) - fraction.length;
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return digits.length === 0 ? '0' : `${negative ? '-' : ''}${digits}e${exponent}`;
}

function checkNumber(token: string): void {
  const value = Number(token);
  if (!Number.isFinite(value) || canonicalDecimal(token) !== canonicalDecimal(String(value))) {
    throw new SwarmError('invalid_json', `the number ${token.slice(0, 40)} cannot be stored exactly (a JSON number here is a 64-bit float); send it as a string`, { number: token.slice(0, 40) });
  }
}

/** Digits an integer may have and still be a double exactly: every integer below 10^15 is below 2^53. */
const EXACT_INTEGER_DIGITS_MAX = 15;

/**
 * True for an integer token (as NUMBER matches it: no fraction, no exponent) of at most
 * EXACT_INTEGER_DIGITS_MAX digits, which needs no further check; the common number (an id, a count)
 * then costs a scan instead of two canonical decimals.
 */
function isExactInteger(token: string): boolean {
  const digitsFrom = token.charCodeAt(0) === 0x2d /* - */ ? 1 : 0;
  if (token.length - digitsFrom > EXACT_INTEGER_DIGITS_MAX) return false;
  for (let index = digitsFrom; index < token.length; index++) {
    const char = token.charCodeAt(index);
    if (char < 0x30 || char > 0x39) return false;
  }
  return true;
}

/** Throws invalid_json for a number that would change, invalid_body for nesting beyond JSON_DEPTH_MAX. */
export function checkJsonExactness(text: string): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22 /* " */) {
      // Skip the string, honouring escapes.
      for (index++; index < text.length && text.charCodeAt(index) !== 0x22; index++) if (text.charCodeAt(index) === 0x5c) index++;
    } else if (char === 0x7b || char === 0x5b /* { [ */) {
      if (++depth > JSON_DEPTH_MAX) throw new SwarmError('invalid_body', `the body nests deeper than ${JSON_DEPTH_MAX} levels`, { depthMax: JSON_DEPTH_MAX });
    } else if (char === 0x7d || char === 0x5d /* } ] */) {
      depth--;
    } else if (char === 0x2d || (char >= 0x30 && char <= 0x39) /* - 0-9 */) {
      NUMBER.lastIndex = index;
      const match = NUMBER.exec(text);
      if (match === null) continue; // not a number: JSON.parse will say what it is
      if (!isExactInteger(match[0])) checkNumber(match[0]);
      index += match[0].length - 1;
    }
  }
}
