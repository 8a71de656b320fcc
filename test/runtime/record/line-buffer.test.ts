/**
 * LineBuffer, the one line splitter the hosts' line sources read through
 * (hosts/node/line-file.ts, hosts/moddable/flash-ring.ts): lines split across
 * chunks come out whole, a `\r` stays, a last line without its line end comes
 * out at the end, and what was read is dropped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLineSource } from '../../../hosts/node/line-file';
import { LineBuffer } from '../../../runtime/record/line-io';

describe('LineBuffer', () => {
  test('lines split across chunks, then the last line without its line end', () => {
    const b = new LineBuffer();
    const out: (string | undefined)[] = [];
    for (const chunk of ['a,1\nb', ',2\r\n', '', 'c,3']) {
      b.append(chunk);
      for (let line = b.takeLine(); line !== undefined; line = b.takeLine()) out.push(line);
    }
    expect(out).toEqual(['a,1', 'b,2\r']);
    expect(b.pending).toBe(3);
    expect(b.takeRest()).toBe('c,3');
    expect(b.takeRest()).toBeUndefined();
    expect(b.pending).toBe(0);
  });

  test('a file read in 3-byte chunks gives the same lines as the text split at its line ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thingflow-lines-'));
    const path = join(dir, 'r.csv');
    const text = 'timestamp,sensor_id,value\n1,lux,12.5\n2,lux,13\n3,lux,°C\nlast';
    writeFileSync(path, text);
    const source = fileLineSource(path, { chunkBytes: 3 });
    const lines: string[] = [];
    for (let line = source.readLine(); line !== undefined; line = source.readLine()) lines.push(line);
    source.close();
    rmSync(dir, { recursive: true, force: true });
    expect(lines).toEqual(text.split('\n'));
    expect(source.lines).toBe(5);
  });
});
