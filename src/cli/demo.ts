// `perf-action demo`: the bundled sample service, started by the tool itself on a free loopback
// port through target.start (so the demo exercises the same start / health / stop path users get).
// `demo --ab`: two copies, through target.start and base.start, the head one slowed down.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';

/** How much slower `demo --ab` makes the head (the sample service's `--slowdown`). */
export const DEMO_AB_SLOWDOWN = '25%';

/**
 * CPU work per `/api/*` request of both copies in `demo --ab` (the sample service's `DEMO_CPU_MS`),
 * in milliseconds. The sample's own handlers take a tenth of a millisecond, a small part of what a
 * request costs in Node's HTTP layer: 25 % slower handlers alone would be ~3 % slower requests,
 * below the warn level. With a millisecond of work per request, as a real service's code does,
 * the handler is most of the request and 25 % slower code is ~20 % slower requests.
 */
export const DEMO_AB_CPU_MS = 1;

/** The package's root folder: the nearest folder above this module holding examples/perf.yml. */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'examples', 'perf.yml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new UsageError('cannot find examples/perf.yml beside perf-action');
    dir = parent;
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/** How the demo runs: the example config, and the sample service's start command and URL. */
export async function demoSettings(cwd: string): Promise<{
  configPath: string;
  targetUrl: string;
  targetStart: string;
}> {
  const root = findPackageRoot();
  const port = await freePort();
  const server = sampleServiceEntry(root);
  // The service runs on the same Node as the tool (24: it strips the types itself).
  const start = `${shellQuote(process.execPath)} ${shellQuote(server)} --port ${port}`;
  return {
    configPath: relative(cwd, join(root, 'examples', 'perf.yml')) || 'perf.yml',
    targetUrl: `http://127.0.0.1:${port}`,
    targetStart: start,
  };
}

/**
 * How `demo --ab` runs: examples/perf-ab.yml, and two copies of the sample service on two free
 * ports, the head (the pull request's side) {@link DEMO_AB_SLOWDOWN} slower, the base as it is.
 */
export async function demoAbSettings(cwd: string): Promise<{
  configPath: string;
  targetUrl: string;
  targetStart: string;
  baseUrl: string;
  baseStart: string;
}> {
  const root = findPackageRoot();
  const headPort = await freePort();
  let basePort = await freePort();
  // Each port was free when asked for; the two must differ too.
  while (basePort === headPort) basePort = await freePort();
  const server = `DEMO_CPU_MS=${DEMO_AB_CPU_MS} ${shellQuote(process.execPath)} ${shellQuote(sampleServiceEntry(root))}`;
  return {
    configPath: relative(cwd, join(root, 'examples', 'perf-ab.yml')) || 'perf-ab.yml',
    targetUrl: `http://127.0.0.1:${headPort}`,
    targetStart: `${server} --port ${headPort} --slowdown ${DEMO_AB_SLOWDOWN}`,
    baseUrl: `http://127.0.0.1:${basePort}`,
    baseStart: `${server} --port ${basePort}`,
  };
}

/**
 * The sample service's entry: its bundle beside this module when running from dist/ (an installed
 * package lives under node_modules, where Node strips no TypeScript types), else its source.
 */
export function sampleServiceEntry(
  root: string,
  from: string = fileURLToPath(import.meta.url),
): string {
  const bundled = join(dirname(from), 'sample-service.js');
  return existsSync(bundled) ? bundled : join(root, 'examples', 'validation-platform', 'server.ts');
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
