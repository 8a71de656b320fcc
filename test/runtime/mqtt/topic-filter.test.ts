import { topicFilterProblem, topicMatches, topicNameProblem } from '../../../runtime/mqtt/topic-filter';

// Cases from MQTT 3.1.1 §4.7 (non-normative examples) plus edges.
const table: [string, string, boolean][] = [
  ['sport/tennis/player1/#', 'sport/tennis/player1', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
  ['sport/#', 'sport', true],
  ['#', 'sport/tennis', true],
  ['sport/tennis/+', 'sport/tennis/player1', true],
  ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
  ['sport/+', 'sport', false],
  ['sport/+', 'sport/', true],
  ['+/+', '/finance', true],
  ['/+', '/finance', true],
  ['+', '/finance', false],
  ['+/tennis/#', 'sport/tennis', true],
  ['a/b', 'a/b', true],
  ['a/b', 'a/bc', false],
  ['a/bc', 'a/b', false],
  ['a/+/c', 'a/b', false],
  ['#', '$SYS/broker', false],
  ['+/monitor/Clients', '$SYS/monitor/Clients', false],
  ['$SYS/#', '$SYS/broker', true],
  ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
];

test.each(table)('filter %s vs topic %s -> %s', (filter, topic, expected) => {
  expect(topicMatches(filter, topic)).toBe(expected);
});

test('invalid filters and topic names are explained', () => {
  expect(topicFilterProblem('a/#/b')).toMatch(/'#' must be the last/);
  expect(topicFilterProblem('a#')).toMatch(/'#' must be the last character and a whole level/);
  expect(topicFilterProblem('a/b+')).toMatch(/'\+' must be a whole level/);
  expect(topicFilterProblem('')).toMatch(/non-empty/);
  expect(topicFilterProblem('a/+/#')).toBeUndefined();
  expect(topicNameProblem('a/+')).toMatch(/wildcards/);
  expect(topicNameProblem('a/b')).toBeUndefined();
});
