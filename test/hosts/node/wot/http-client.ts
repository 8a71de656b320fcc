/** A small real HTTP client on node:http for the WoT tests (fetch cannot set the Host header). */
import { request as httpRequest } from 'node:http';

export interface Reply { status: number; headers: { [k: string]: string | string[] | undefined }; text: string; json: any }

export function request(port: number, method: string, path: string, opts?: { headers?: { [k: string]: string }; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: { [k: string]: string | number } = { ...(opts?.headers ?? {}) };
    if (opts?.body !== undefined && headers['Content-Length'] === undefined) headers['Content-Length'] = Buffer.byteLength(opts.body);
    if (headers.Host === undefined) headers.Host = `127.0.0.1:${port}`;
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try { json = text.length > 0 ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts?.body !== undefined) req.write(opts.body);
    req.end();
  });
}
