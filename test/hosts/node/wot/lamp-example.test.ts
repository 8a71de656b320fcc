/**
 * End to end: `npm run lamp` (tsx examples/lamp.ts) as a child process, with
 * and without --multiple, checked against webthing-python's examples.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { request } from './http-client';

const ROOT = join(__dirname, '../../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function startLamp(args: string[]): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'examples/lamp.ts'), '--port', String(port), '--no-mdns', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  await new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('serving') ? resolve() : undefined);
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`lamp exited with ${code}: ${out}`)));
  });
  return { child, port, output: () => out };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const LAMP_PROPERTIES = {
  on: { '@type': 'OnOffProperty', title: 'On/Off', type: 'boolean', description: 'Whether the lamp is turned on' },
  brightness: { '@type': 'BrightnessProperty', title: 'Brightness', type: 'integer', description: 'The level of light from 0-100', minimum: 0, maximum: 100, unit: 'percent' },
};
const FADE = {
  title: 'Fade',
  description: 'Fade the lamp to a given level',
  input: {
    type: 'object',
    required: ['brightness', 'duration'],
    properties: {
      brightness: { type: 'integer', minimum: 0, maximum: 100, unit: 'percent' },
      duration: { type: 'integer', minimum: 1, unit: 'milliseconds' },
    },
  },
};
const OVERHEATED = { description: 'The lamp has exceeded its safe operating temperature', type: 'number', unit: 'degree celsius' };

function withoutLinks(o: { [k: string]: any }): { [k: string]: any } {
  const out: { [k: string]: any } = {};
  for (const k of Object.keys(o)) {
    const { links: _l, ...rest } = o[k];
    out[k] = rest;
  }
  return out;
}

describe('npm run lamp', () => {
  test('single thing: the same thing as webthing-python single-thing.py, and fade works over the WebSocket', async () => {
    const { child, port } = await startLamp([]);
    try {
      const td = (await request(port, 'GET', '/')).json;
      expect([td.id, td.title, td['@type'], td.description]).toEqual(['urn:dev:ops:my-lamp-1234', 'My Lamp', ['OnOffSwitch', 'Light'], 'A web connected lamp']);
      expect(withoutLinks(td.properties)).toEqual(LAMP_PROPERTIES);
      expect(withoutLinks(td.actions)).toEqual({ fade: FADE });
      expect(withoutLinks(td.events)).toEqual({ overheated: OVERHEATED });
      expect((await request(port, 'GET', '/properties')).json).toEqual({ on: true, brightness: 50 });

      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      const messages: any[] = [];
      // Collect until the fade action reports completed: the whole conversation, in order.
      const gotEvent = new Promise<void>((resolve) => ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        messages.push(m);
        if (m.messageType === 'actionStatus' && m.data.fade?.status === 'completed') resolve();
      }));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ messageType: 'addEventSubscription', data: { overheated: {} } }));
      ws.send(JSON.stringify({ messageType: 'requestAction', data: { fade: { input: { brightness: 25, duration: 50 } } } }));
      await gotEvent;
      ws.close();
      expect(messages.map((m) => m.messageType)).toEqual(['actionStatus', 'actionStatus', 'propertyStatus', 'event', 'actionStatus']);
      expect(messages.filter((m) => m.messageType === 'actionStatus').map((m) => m.data.fade.status)).toEqual(['created', 'pending', 'completed']);
      expect(messages[3].data.overheated.data).toBe(102);
      expect((await request(port, 'GET', '/properties/brightness')).json).toEqual({ brightness: 25 });
    } finally {
      await stop(child);
    }
  });

  test('--multiple: LightAndTempDevice with the lamp at /0 and the humidity sensor at /1; writes are printed by the forwarders', async () => {
    const { child, port, output } = await startLamp(['--multiple']);
    try {
      const list = (await request(port, 'GET', '/')).json;
      expect(list.map((t: any) => [t.id, t.title, t.href])).toEqual([
        ['urn:dev:ops:my-lamp-1234', 'My Lamp', '/0'],
        ['urn:dev:ops:my-humidity-sensor-1234', 'My Humidity Sensor', '/1'],
      ]);
      expect(withoutLinks(list[0].properties)).toEqual(LAMP_PROPERTIES);
      expect(withoutLinks(list[1].properties)).toEqual({
        level: { '@type': 'LevelProperty', title: 'Humidity', type: 'number', description: 'The current humidity in %', minimum: 0, maximum: 100, unit: 'percent', readOnly: true },
      });
      expect(list[1]['@type']).toEqual(['MultiLevelSensor']);
      expect((await request(port, 'PUT', '/0/properties/on', { body: '{"on": false}' })).json).toEqual({ on: false });
      for (let i = 0; i < 100 && !output().includes('On-State is now false'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(output()).toContain('On-State is now false');
      const level = (await request(port, 'GET', '/1/properties/level')).json.level;
      expect(typeof level).toBe('number');
    } finally {
      await stop(child);
    }
  });
});
