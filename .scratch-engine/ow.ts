import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import net from 'node:net';
import { Pool } from 'undici';
if (process.argv[2] === 'child') {
  if (process.env.SS !== '0') { const loop = () => setImmediate(loop); loop(); }
  if (process.env.RAWSRV === '1') {
    const srv = net.createServer((s) => { s.on('data', (d) => { const a = process.hrtime.bigint(); s.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-arrived: ${a}\r\n\r\nok`); }); });
    srv.listen(0, '127.0.0.1', () => process.send!((srv.address() as any).port));
  } else {
  const srv = createServer((req, res) => { const a = process.hrtime.bigint(); res.writeHead(200, { 'content-length': '2', 'x-arrived': String(a) }); res.end('ok'); });
  srv.listen(0, '127.0.0.1', () => process.send!((srv.address() as any).port));
  }
} else {
  const c = fork(process.argv[1]!, ['child'], { execArgv: [] });
  const port = await new Promise<number>((r) => c.once('message', (m) => r(m as number)));
  const q = (a: number[]) => { a.sort((x, y) => x - y); return `p10 ${a[Math.floor(a.length*0.1)]!.toFixed(0)} p50 ${a[Math.floor(a.length*0.5)]!.toFixed(0)} p90 ${a[Math.floor(a.length*0.9)]!.toFixed(0)}`; };
  const sock = net.connect(port, '127.0.0.1'); await new Promise((r) => sock.once('connect', r));
  const raw: number[] = [], rawBack: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = process.hrtime.bigint();
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const d = String(await new Promise((r) => sock.once('data', r)));
    const e = process.hrtime.bigint();
    const a = BigInt(/x-arrived: (\d+)/i.exec(d)![1]!);
    raw.push(Number(a - t) / 1000); rawBack.push(Number(e - a) / 1000);
    await new Promise((r) => setTimeout(r, 3));
  }
  sock.destroy();
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10 });
  const und: number[] = [], undBack: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t = process.hrtime.bigint();
    const r = await pool.request({ path: '/', method: 'GET' });
    await new Promise<void>((res) => { r.body.on('data', () => {}); r.body.once('end', res); });
    const e = process.hrtime.bigint();
    const a = BigInt(r.headers['x-arrived'] as string);
    und.push(Number(a - t) / 1000); undBack.push(Number(e - a) / 1000);
    await new Promise((r) => setTimeout(r, 3));
  }
  console.log('SS', process.env.SS, 'RAWSRV', process.env.RAWSRV, '\n raw  there', q(raw), 'back', q(rawBack), '\n undici there', q(und), 'back', q(undBack));
  await pool.close(); c.kill();
}
