/**
 * The bytecode profiler's bookkeeping (bytecode-profiler.ts) and the XS
 * bytecode decoder (xs-bytecode.ts), without firmware: a made-up opcode table
 * and made-up reads. On the lux demo firmware: pc-profiler.test.ts.
 */
import { BytecodeProfiler } from './bytecode-profiler';
import { decodeXsCode, xsCodeTable } from './xs-bytecode';

const INTERPRETER = { start: 0x20000000, end: 0x20001000 };
const IN_INTERPRETER = 0x20000010;
const IN_C = 0x10001000;
const MAP = { name: 'filters/map: onNext', start: 0x10030040, end: 0x10030060 };
const LED = { name: 'sensors/led: onNext', start: 0x10030200, end: 0x10030280 };
const code = { modules: [{ name: 'main: (module code)', start: 0x10030000, end: 0x10030100 }], functions: [MAP, LED] };

test('each cycle goes to the byte of a watched function read last, the interpreter\'s apart from the C; other code and sleep end it', () => {
  const p = new BytecodeProfiler(code, INTERPRETER, [MAP]);
  p.flashRead(MAP.start);
  p.count(IN_INTERPRETER, 10);
  p.flashRead(MAP.start + 1);
  p.count(IN_C, 7);
  p.flashRead(0x10030100); // a heap slot: still map's byte 1
  p.count(IN_C, 2);
  p.flashRead(LED.start); // another function: not watched
  p.count(IN_INTERPRETER, 3);
  p.flashRead(MAP.start + 4);
  p.count(IN_INTERPRETER, 5);
  p.sleep();
  p.count(IN_C, 6); // the wake's, not map's
  const { interpreter, c, start } = p.byteCycles();
  expect(start).toBe(MAP.start);
  expect([interpreter[0], interpreter[1], interpreter[4], c[1]]).toEqual([10, 0, 5, 9]);
  expect(interpreter.reduce((a, b) => a + b, 0) + c.reduce((a, b) => a + b, 0)).toBe(24);
  // The function-level counts are the JavaScript profiler's, unchanged.
  expect(p.counts[p.names.indexOf(MAP.name)]).toBe(15);
  expect(p.counts[p.names.indexOf(`${MAP.name} → C`)]).toBe(9);
  p.reset();
  expect(p.byteCycles().interpreter.every((x) => x === 0)).toBe(true);
});

test('the decoder reads instructions by the SDK\'s own table: fixed sizes, key IDs, counted strings, branch targets', () => {
  const table = xsCodeTable([
    'const txString gxCodeNames[XS_CODE_COUNT] = {', '\t"",', '\t/* XS_CODE_ADD */ "add",', '\t/* XS_CODE_BRANCH_1 */ "branch_1",',
    '\t/* XS_CODE_GET_PROPERTY */ "get_property",', '\t/* XS_CODE_STRING_1 */ "string",', '\t/* XS_CODE_INTEGER_2 */ "integer_2",', '};',
    'const txS1 gxCodeSizes[XS_CODE_COUNT] ICACHE_FLASH_ATTR = {', '\t1 /* XS_NO_CODE */,', '\t1 /* XS_CODE_ADD */,', '\t2 /* XS_CODE_BRANCH_1 */,',
    '\t0 /* XS_CODE_GET_PROPERTY */,', '\t-1 /* XS_CODE_STRING_1 */,', '\t3 /* XS_CODE_INTEGER_2 */,', '};',
  ].join('\n'));
  const bytes = Uint8Array.from([3, 7, 0, 1, 4, 3, 0x61, 0x62, 0, 5, 0xe8, 0x03, 2, 0xf6]);
  expect(decodeXsCode(bytes, table, (id) => (id === 7 ? 'length' : undefined))).toEqual([
    { offset: 0, size: 3, name: 'get_property', operand: 'length' },
    { offset: 3, size: 1, name: 'add', operand: '' },
    { offset: 4, size: 5, name: 'string', operand: '"ab"' },
    { offset: 9, size: 3, name: 'integer_2', operand: '1000' },
    { offset: 12, size: 2, name: 'branch_1', operand: '→ 4' },
  ]);
});
