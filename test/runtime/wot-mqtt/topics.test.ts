/**
 * A thing id as one MQTT topic level and back (runtime/wot-mqtt/topics.ts):
 * `/`, `+`, `#`, U+0000 and `%` escaped as %XX, by hand (no regular
 * expression: a board app without one leaves XS's RegExp engine out). The
 * results are those of the regular expressions they replace, on every
 * character that matters and on random ids.
 */
import { idFromTopicLevel, parseThingTopic, thingTopics, topicLevelForId } from '../../../runtime/wot-mqtt/topics';

/** What the functions did with regular expressions until 2026-12-07. */
const byRegExp = {
  level: (id: string) => id.replace(/[%/+#\u0000]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`),
  id: (level: string) => level.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
};

/** A deterministic generator of ids from an alphabet rich in what is escaped. */
function* ids(count: number): Generator<string> {
  const alphabet = ['%', '/', '+', '#', '\u0000', 'a', 'Z', '4', '1', 'F', 'f', '2', 'ü', '😀', '-', ' '];
  let seed = 12345;
  for (let k = 0; k < count; k++) {
    let s = '';
    const length = k % 12;
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += alphabet[seed % alphabet.length];
    }
    yield s;
  }
}

describe('thing ids as topic levels', () => {
  test('the escapes, and ids with nothing to escape returned as they are', () => {
    expect(topicLevelForId('lamp/1+#%\u0000x')).toBe('lamp%2F1%2B%23%25%00x');
    expect(topicLevelForId('urn:dev:ops:lamp-1')).toBe('urn:dev:ops:lamp-1');
    expect(topicLevelForId('')).toBe('');
    expect(idFromTopicLevel('lamp%2F1%2B%23%25%00x')).toBe('lamp/1+#%\u0000x');
    expect(idFromTopicLevel('%%41%4')).toBe('%A%4'); // a % not followed by two hex digits stays, as does a short tail
    expect(idFromTopicLevel('%2f%2F')).toBe('%2f/'); // lower-case hex is not an escape this layout makes
  });

  test('the same as the regular expressions they replace, on 2,000 ids and their levels, and the round trip', () => {
    for (const id of ids(2000)) {
      const level = topicLevelForId(id);
      expect(level).toBe(byRegExp.level(id));
      expect(idFromTopicLevel(level)).toBe(id);
      expect(idFromTopicLevel(id)).toBe(byRegExp.id(id)); // any text, not only a level this made
    }
  });

  test('a thing\'s topics carry its escaped id, and parse back to it', () => {
    const topics = thingTopics('a/b#c');
    expect(topics.td).toBe('things/a%2Fb%23c/td');
    expect(parseThingTopic(topics.td)).toEqual({ id: 'a/b#c', kind: 'td' });
  });
});
