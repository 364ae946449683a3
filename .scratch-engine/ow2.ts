import { fork } from 'node:child_process';
import net from 'node:net';
import { Pool } from 'undici';
if (process.argv[2] === 'child') {
  { const loop = () => setImmediate(loop); loop(); }
  const srv = net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => { const a = process.hrtime.bigint(); s.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-arrived: ${a}\r\n\r\nok`); }); });
  srv.listen(0, '127.0.0.1', () => process.send!((srv.address() as any).port));
} else {
  const c = fork(process.argv[1]!, ['child'], { execArgv: [] });
  const port = await new Promise<number>((r) => c.once('message', (m) => r(m as number)));
  const q = (a: number[]) => { a.sort((x, y) => x - y); return `p10 ${a[Math.floor(a.length*0.1)]!.toFixed(0)} p50 ${a[Math.floor(a.length*0.5)]!.toFixed(0)} p90 ${a[Math.floor(a.length*0.9)]!.toFixed(0)}`; };
  let lastWrite = 0n;
  const origWrite = net.Socket.prototype.write;
  (net.Socket.prototype as any).write = function (...args: any[]) { lastWrite = process.hrtime.bigint(); return (origWrite as any).apply(this, args); };
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10 });
  const toWrite: number[] = [], there: number[] = [], back: number[] = [];
  for (let i = 0; i < 400; i++) {
    const t = process.hrtime.bigint();
    const { a, e } = await new Promise<{ a: bigint; e: bigint }>((resolve, reject) => {
      let a = 0n;
      pool.dispatch({ path: '/', method: 'GET' }, {
        onRequestStart() {}, onResponseStart(_c: any, _s: number, h: any) { a = BigInt(h['x-arrived']); }, onResponseData() {},
        onResponseEnd() { resolve({ a, e: process.hrtime.bigint() }); }, onResponseError(_c: any, err: Error) { reject(err); },
      } as any);
    });
    if (i >= 100) { toWrite.push(Number(lastWrite - t) / 1000); there.push(Number(a - lastWrite) / 1000); back.push(Number(e - a) / 1000); }
    await new Promise((r) => setTimeout(r, Number(process.env.GAP ?? 3)));
  }
  console.log('GAP', process.env.GAP ?? 3, 'dispatch->write', q(toWrite), '| write->arrived', q(there), '| arrived->end', q(back));
  await pool.close(); c.kill();
}
