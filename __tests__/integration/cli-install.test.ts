// The CLI as a user installs it: `npm pack`, then `npm install -g` of the tarball into a
// temporary prefix, then the installed `perf-action` command. The package is packed from a
// staging copy whose dist/ is built fresh (what dist/ holds in the checkout is check:dist's
// concern); every other packed file is copied from the checkout as package.json's `files` names it.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../scripts/build.ts';
import { TOOL_VERSION } from '../../src/version.ts';
import { ROOT } from '../helpers/run-cli.ts';
import { type ProcessRun, runProcess } from '../helpers/run-process.ts';

function run(
  command: string,
  args: string[],
  options: { cwd: string; path: string; timeoutMs?: number },
): Promise<ProcessRun> {
  return runProcess(command, args, {
    cwd: options.cwd,
    env: { ...OUTER_ENV, PATH: options.path },
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

// The machine's environment (its CA certificates for the registry, say), less what an outer
// `npm test` exported for its own run.
const OUTER_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
);

const SYSTEM_NODE = '/usr/bin/node';
const SYSTEM_NODE_VERSION =
  spawnSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim() ??
  '';
const SYSTEM_NODE_MAJOR = Number(SYSTEM_NODE_VERSION.split('.')[0] || 24);

// Node 24 first, as npm scripts have it; the system's tools (npm itself) after it.
const PATH_NODE_24 = [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter);

let dir: string;
let prefix: string;
let packed: string[];
let bin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-install-'));
  const stage = join(dir, 'stage');
  await mkdir(stage);
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  for (const file of ['package.json', 'README.md', 'LICENSE', ...(pkg.files as string[])]) {
    if (file.replace(/\/$/, '') === 'dist') continue;
    await cp(join(ROOT, file), join(stage, file), { recursive: true });
  }
  await buildDist(join(stage, 'dist'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: stage,
    path: PATH_NODE_24,
  });
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = (info?.files ?? []).map((f) => f.path).sort();
  prefix = join(dir, 'prefix');
  // The registry's packages as npm ci cached them; the package's own code is all bundled.
  const install = await run(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      join(dir, info?.filename ?? ''),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
    ],
    { cwd: dir, path: PATH_NODE_24, timeoutMs: 240_000 },
  );
  expect(install.code, install.stderr).toBe(0);
  bin = join(prefix, 'bin', 'perf-action');
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('perf-action installed from the npm tarball', () => {
  it('packs what the command needs at run time, and no sources or tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/perf-action.js',
      'dist/cli.js',
      'dist/licenses.txt',
      'dist/sample-service.js',
      'dist/sample-service-worker.js',
      'examples/perf.yml',
      'examples/perf-ci.yml',
    ]) {
      expect(packed).toContain(file);
    }
    expect(
      packed.filter((f) => /^(src|__tests__|scripts|node_modules|\.github)\//.test(f)),
    ).toEqual([]);
  });

  it('prints its version', async () => {
    const result = await run(bin, ['--version'], { cwd: dir, path: PATH_NODE_24 });
    expect(result).toEqual({ code: 0, stdout: `${TOOL_VERSION}\n`, stderr: '' });
  });

  it('runs the demo from the installed files (bundled sample service, examples/perf.yml)', async () => {
    const cwd = join(dir, 'demo');
    await mkdir(cwd);
    const result = await run(bin, ['demo', '--suite', 'load', '--out', 'out'], {
      cwd,
      path: PATH_NODE_24,
    });
    expect([0, 1], result.stderr).toContain(result.code);
    const installed = join(prefix, 'lib', 'node_modules', 'perf-action');
    expect(result.stderr).toContain(join(installed, 'dist', 'sample-service.js'));
    const results = JSON.parse(await readFile(join(cwd, 'out', 'results.json'), 'utf8'));
    expect(results.tool.version).toBe(TOOL_VERSION);
    expect(results.config.file).toBe(relative(cwd, join(installed, 'examples', 'perf.yml')));
    expect(await readFile(join(cwd, 'out', 'service.log'), 'utf8')).toMatch(/^listening on /m);
    // The last line is the headline.
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^(✅|⚠️|❌) /);
  });

  it('says in one line which Node it needs when it runs on an older one', async () => {
    // The installed command reads the requirement from its package.json; ask for one no Node meets.
    const manifest = join(prefix, 'lib', 'node_modules', 'perf-action', 'package.json');
    const original = await readFile(manifest, 'utf8');
    await writeFile(manifest, original.replace('"node": ">=24"', '"node": ">=999"'));
    try {
      const result = await run(bin, ['--version'], { cwd: dir, path: PATH_NODE_24 });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `perf-action: needs Node.js 999 or newer, but ${process.execPath} is ${process.version}; put Node.js 999 first on PATH, or run: <node 999> ${bin} ...\n`,
      );
    } finally {
      await writeFile(manifest, original);
    }
  });

  // Where the machine's own Node is older (Node 20 here), the real thing, not a made-up need.
  it.runIf(SYSTEM_NODE_MAJOR < 24)('on the older system Node gives the same one line', async () => {
    const result = await run(bin, ['--version'], {
      cwd: dir,
      path: [dirname(SYSTEM_NODE), '/bin'].join(delimiter),
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `perf-action: needs Node.js 24 or newer, but ${SYSTEM_NODE} is v${SYSTEM_NODE_VERSION}; put Node.js 24 first on PATH, or run: <node 24> ${bin} ...\n`,
    );
  });
});
