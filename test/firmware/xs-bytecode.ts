/**
 * XS bytecode as the interpreter reads it, for naming what each byte of a
 * preloaded function's code costs (bytecode-profiler.ts): each instruction's
 * offset, size, name and operand, decoded with the tables of the SDK that
 * built the firmware (`xs/sources/xsCommon.c`: `gxCodeNames`, `gxCodeSizes`),
 * so a newer XS with other opcodes decodes with its own.
 *
 * A size in `gxCodeSizes` is the instruction's length, or how its length is
 * found: 0, an opcode and a key ID (two bytes: the RP2040 builds without
 * `mx32bitID`); -1, -2, -4, an opcode, a length in that many bytes, and that
 * many bytes (strings, BigInts).
 */
export interface XsCodeTable {
  names: string[];
  sizes: number[];
}

export interface XsInstruction {
  offset: number;
  size: number;
  name: string;
  /** A key's name, a string, a branch's target offset (`→ 42`), or a number; '' when there is none. */
  operand: string;
}

const ID_BYTES = 2;

/**
 * The opcode tables of `xsCommon.c` (its text), as built for the RP2040: where a table has
 * `#ifdef mx32bitID` (the profile opcode's size), its `#else` lines.
 */
export function xsCodeTable(xsCommonC: string): XsCodeTable {
  const block = (name: string) => {
    const from = xsCommonC.indexOf(name);
    if (from < 0) throw new Error(`xsCommon.c has no ${name}`);
    return withoutMx32bitId(xsCommonC.slice(from, xsCommonC.indexOf('};', from)));
  };
  const names = [...block('gxCodeNames[XS_CODE_COUNT]').matchAll(/^\s*(?:\/\*[^*]*\*\/ )?"([^"]*)",?\s*$/gm)].map((m) => m[1]);
  const sizes = [...block('gxCodeSizes[XS_CODE_COUNT]').matchAll(/^\s*(-?\d+) \/\*/gm)].map((m) => Number(m[1]));
  if (names.length === 0 || names.length !== sizes.length) throw new Error(`xsCommon.c: ${names.length} code names but ${sizes.length} code sizes`);
  return { names, sizes };
}

/** `text` with the `#ifdef mx32bitID` branches left out (and their `#else` kept); any other conditional is refused. */
function withoutMx32bitId(text: string): string {
  const kept: string[] = [];
  const active: boolean[] = [];
  for (const line of text.split('\n')) {
    const directive = /^\s*#\s*(\w+)\s*(\w*)/.exec(line);
    if (directive === null) {
      if (active.every((a) => a)) kept.push(line);
    } else if ((directive[1] === 'ifdef' || directive[1] === 'ifndef') && directive[2] === 'mx32bitID') {
      active.push(directive[1] === 'ifndef');
    } else if (directive[1] === 'else' && active.length > 0) {
      active.push(!active.pop()!);
    } else if (directive[1] === 'endif' && active.length > 0) {
      active.pop();
    } else {
      throw new Error(`xsCommon.c: the opcode tables have a conditional this decoder does not know (${line.trim()})`);
    }
  }
  return kept.join('\n');
}

/** Decode `code` (a function's bytes) into instructions; key IDs are named by `keyName` where it knows them. */
export function decodeXsCode(code: Uint8Array, table: XsCodeTable, keyName: (id: number) => string | undefined): XsInstruction[] {
  const bytes = Buffer.from(code.buffer, code.byteOffset, code.byteLength);
  const out: XsInstruction[] = [];
  let p = 0;
  while (p < bytes.length) {
    const op = bytes[p];
    const name = table.names[op] ?? `?${op}`;
    const kind = table.sizes[op] ?? 1;
    let size: number;
    let operand = '';
    if (kind > 0) {
      size = kind;
      const n = size - 1;
      if (n === 1 || n === 2 || n === 4) {
        const value = p + size <= bytes.length ? bytes.readIntLE(p + 1, n) : 0;
        operand = name.startsWith('branch') ? `→ ${p + size + value}` : String(value);
      } else if (n > 0) {
        operand = Array.from(bytes.subarray(p + 1, p + size)).join(' ');
      }
    } else if (kind === 0) {
      size = 1 + ID_BYTES;
      const id = p + size <= bytes.length ? bytes.readUInt16LE(p + 1) : -1;
      operand = keyName(id) ?? `#${id}`;
    } else {
      const lengthBytes = -kind;
      const length = p + 1 + lengthBytes <= bytes.length ? bytes.readUIntLE(p + 1, lengthBytes) : 0;
      size = 1 + lengthBytes + length;
      operand = JSON.stringify(bytes.subarray(p + 1 + lengthBytes, p + size).toString('latin1').replace(/\0$/, ''));
    }
    out.push({ offset: p, size, name, operand });
    p += size;
  }
  return out;
}
