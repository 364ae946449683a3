import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { Pool, Client } from 'undici';
if (process.argv[2] === 'child') {
  const loop = () => setImmediate(loop); loop();
  const srv = createServer((req, res) => { res.writeHead(200, { 'content-length': '2' }); res.end('ok'); });
  srv.listen(0, '127.0.0.1', () => process.send!((srv.address() as any).port));
} else {
  const c = fork(process.argv[1]!, ['child'], { execArgv: [] });
  const port = await new Promise<number>((r) => c.once('message', (m) => r(m as number)));
  const awake = process.env.AWAKE === '1'; let on = true; if (awake) { const loop = () => { if (on) setImmediate(loop); }; loop(); }
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10 });
  const rtts: number[] = [];
  for (let i = 0; i < 400; i++) {
    const t = performance.now();
    const r = await pool.request({ path: '/', method: 'GET' });
    await new Promise<void>((res) => { r.body.on('data', () => {}); r.body.once('end', res); });
    rtts.push((performance.now() - t) * 1000);
    await new Promise((r) => setTimeout(r, 3));
  }
  on = false;
  rtts.sort((a, b) => a - b);
  console.log('awake', awake, 'undici rtt us p10', rtts[40]?.toFixed(0), 'p50', rtts[200]?.toFixed(0), 'p90', rtts[360]?.toFixed(0));
  await pool.close(); c.kill();
}
