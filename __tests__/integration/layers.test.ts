// The layers of docs/architecture.md are lint rules: an import from a higher layer, an import cycle
// (type imports too) and I/O in a file of the pure core fail `npm run lint`. Shown on probe files in
// a copy of the project's layout, linted with the project's own biome.json.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const biome = join(process.cwd(), 'node_modules', '.bin', 'biome');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-layers-'));
  const config = JSON.parse(await readFile('biome.json', 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  await writeFile(join(dir, 'biome.json'), JSON.stringify(config));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lints `files` (path under src → text) laid out as in the repo; the diagnostics' text. */
async function lint(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(dir, 'case-'));
  await cp(join(dir, 'biome.json'), join(root, 'biome.json'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  try {
    await run(biome, ['lint', '--max-diagnostics=50', 'src'], { cwd: root, timeout: 60_000 });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return `${stdout}${stderr}`;
  }
}

it('refuses an import from a higher layer, naming the layers', async () => {
  const out = await lint({
    'src/config/probe.ts':
      "import { verdictOf } from '../verdict/verdict.ts';\nexport const a = verdictOf;\n",
    'src/verdict/verdict.ts': 'export const verdictOf = 1;\n',
  });
  expect(out).toContain('src/config/probe.ts');
  expect(out).toContain('config sits below verdict');
});

it('lets a higher layer import a lower one', async () => {
  const out = await lint({
    'src/verdict/probe.ts': "import { a } from '../config/a.ts';\nexport const b = a;\n",
    'src/config/a.ts': 'export const a = 1;\n',
  });
  expect(out).toBe('');
});

it('refuses an import cycle, also of type imports', async () => {
  const out = await lint({
    'src/report/a.ts': "import type { B } from './b.ts';\nexport type A = { b?: B };\n",
    'src/report/b.ts': "import type { A } from './a.ts';\nexport type B = { a?: A };\n",
  });
  expect(out).toContain('noImportCycles');
});

it('refuses I/O in the pure core, and text written past the outlet elsewhere', async () => {
  const out = await lint({
    'src/suites/stress/analysis.ts':
      "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
    'src/suites/load/run.ts':
      "import { writeFile } from 'node:fs/promises';\nexport const a = writeFile;\n",
  });
  expect(out).toContain('The pure core does no I/O');
  expect(out).toContain('use outlet.writeFile');
});
