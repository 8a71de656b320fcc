/**
 * HTTPS and WSS (webthing-python's ssl_options) with a throw-away self-signed
 * certificate made by openssl: links and base say https/wss, and both work.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SingleThing } from '../../../../runtime/wot/index';
import { WebThingServer } from '../../../../hosts/node/wot-server';
import { makeLamp } from '../../../../examples/lamp-things';

function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'wot-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

function get(port: number, path: string, ca: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    httpsRequest({ host: '127.0.0.1', port, path, ca, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) }));
    }).on('error', reject).end();
  });
}

test('HTTPS description with https base and wss link; a WSS client gets propertyStatus', async () => {
  const { key, cert } = selfSigned();
  const server = new WebThingServer(new SingleThing(makeLamp()), { port: 0, listenAddress: '127.0.0.1', mdns: false, tls: { key, cert } });
  await server.start();
  try {
    const td = (await get(server.port, '/', cert)).json;
    expect(td.base).toBe(`https://127.0.0.1:${server.port}/`);
    expect(td.links[td.links.length - 1]).toEqual({ rel: 'alternate', href: `wss://127.0.0.1:${server.port}/` });
    const w3c = (await get(server.port, '/td', cert)).json;
    expect(w3c.properties.on.forms[0].href).toBe(`https://127.0.0.1:${server.port}/wot/properties/on`);
    const ws = new WebSocket(td.links[td.links.length - 1].href, { ca: cert });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const msg = new Promise<any>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ messageType: 'setProperty', data: { brightness: 9 } }));
    expect(await msg).toEqual({ messageType: 'propertyStatus', data: { brightness: 9 } });
    ws.close();
  } finally {
    await server.stop();
  }
});
