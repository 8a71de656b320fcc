/**
 * `asciiBytes`: the bytes code scans instead of `charCodeAt(i)` in a loop (quadratic on a board).
 * Every ASCII character is its own byte, and no byte of another character is ASCII, so a scan for
 * brackets and quotes sees the same text; the JSON depth check runs on them.
 */
import { asciiBytes } from '../../../runtime/core/ascii-bytes';
import { jsonTextDeeperThan } from '../../../runtime/wot/json-depth';

test('ASCII characters are their own bytes; the bytes of other characters are all 0x80 and over', () => {
  const text = '{"a":[1,"é\\"]","𝄞 {[",2]}';
  const bytes = asciiBytes(text);
  const ascii = [...bytes].filter((b) => b < 0x80).map((b) => String.fromCharCode(b)).join('');
  expect(ascii).toBe([...text].filter((c) => c.charCodeAt(0) < 0x80).join(''));
  expect(bytes.length).toBe(Buffer.byteLength(text));
});

test('the depth check reads multi-byte text as the characters it is: brackets in strings and after escapes do not count', () => {
  const inString = `{"k":"${'[é'.repeat(50)}"}`;
  expect(jsonTextDeeperThan(inString, 3)).toBe(false);
  expect(jsonTextDeeperThan(`{"é":${'['.repeat(4)}"\\"${']'.repeat(4)}"${']'.repeat(4)}}`, 4)).toBe(true);
  expect(jsonTextDeeperThan(`{"é":${'['.repeat(3)}"\\"]]]]"${']'.repeat(3)}}`, 4)).toBe(false);
  expect(jsonTextDeeperThan(`["𝄞${' '.repeat(20)}",[[[1]]]]`, 3)).toBe(true);
});
