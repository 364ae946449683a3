import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import net from 'node:net';
import { Pool } from 'undici';
if (process.argv[2] === 'child') {
  if (process.env.SS !== '0') { const loop = () => setImmediate(loop); loop(); }
  const srv = createServer((req, res) => { res.writeHead(200, { 'content-length': '2' }); res.end('ok'); });
  srv.listen(0, '127.0.0.1', () => process.send!((srv.address() as any).port));
} else {
  const c = fork(process.argv[1]!, ['child'], { execArgv: [] });
  const port = await new Promise<number>((r) => c.once('message', (m) => r(m as number)));
  const q = (a: number[]) => { a.sort((x, y) => x - y); return `p10 ${a[Math.floor(a.length*0.1)]!.toFixed(0)} p50 ${a[Math.floor(a.length*0.5)]!.toFixed(0)} p90 ${a[Math.floor(a.length*0.9)]!.toFixed(0)}`; };
  const gap = Number(process.env.GAP ?? 3);
  // raw
  const sock = net.connect(port, '127.0.0.1'); await new Promise((r) => sock.once('connect', r));
  const raw: number[] = [];
  for (let i = 0; i < 400; i++) {
    const t = performance.now();
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => sock.once('data', r));
    raw.push((performance.now() - t) * 1000);
    if (gap) await new Promise((r) => setTimeout(r, gap));
  }
  sock.destroy();
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10 });
  const und: number[] = [];
  for (let i = 0; i < 400; i++) {
    const t = performance.now();
    const r = await pool.request({ path: '/', method: 'GET' });
    await new Promise<void>((res) => { r.body.on('data', () => {}); r.body.once('end', res); });
    und.push((performance.now() - t) * 1000);
    if (gap) await new Promise((r) => setTimeout(r, gap));
  }
  console.log('gap', gap, 'SS', process.env.SS, 'raw', q(raw), '| undici', q(und));
  await pool.close(); c.kill();
}
