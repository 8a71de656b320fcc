/**
 * ASCII case by hand (runtime/core/ascii-case.ts): what HTTP names, methods,
 * hosts and hex digits need, without the engine's Unicode case tables.
 */
import { asciiLowerCase, asciiUpperCase, upperHex } from '../../../runtime/core/ascii-case';

describe('ASCII case', () => {
  test('A-Z and a-z change, everything else is kept as it is', () => {
    expect(asciiLowerCase('Content-Type')).toBe('content-type');
    expect(asciiLowerCase('X-Ünïcode-Ω')).toBe('x-Ünïcode-Ω');
    expect(asciiUpperCase('get')).toBe('GET');
    expect(asciiUpperCase('pätch ß')).toBe('PäTCH ß');
    expect(asciiLowerCase('@[`{')).toBe('@[`{'); // the neighbours of the letters
    expect(asciiUpperCase('@[`{')).toBe('@[`{');
    expect(asciiLowerCase('A😀Z')).toBe('a😀z'); // a surrogate pair passes whole
  });

  test('a string with nothing to change comes back as itself, the empty one too', () => {
    const name = 'content-length';
    expect(asciiLowerCase(name)).toBe(name);
    expect(asciiUpperCase('HEAD')).toBe('HEAD');
    expect(asciiLowerCase('')).toBe('');
  });

  test('it agrees with the engine\'s case functions on every ASCII character', () => {
    let all = '';
    for (let c = 0; c < 128; c++) all += String.fromCharCode(c);
    expect(asciiLowerCase(all)).toBe(all.toLowerCase());
    expect(asciiUpperCase(all)).toBe(all.toUpperCase());
  });

  test('hex digits in upper case, as many as asked', () => {
    expect(upperHex(0x2f, 2)).toBe('2F');
    expect(upperHex(0, 2)).toBe('00');
    expect(upperHex(0xd83d, 4)).toBe('D83D');
    expect(upperHex(0xabc, 4)).toBe('0ABC');
    for (let n = 0; n < 256; n++) expect(upperHex(n, 2)).toBe(n.toString(16).toUpperCase().padStart(2, '0'));
  });
});
