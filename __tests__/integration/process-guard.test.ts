// The process guard in a real Node process: what is printed behind the outlet's back (console,
// raw bytes, a library's own writes, a crash) is redacted too; the runner's mask line is not.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.ts';
import { type ProcessRun, runProcess } from '../helpers/run-process.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-guard-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runScript(body: string): Promise<ProcessRun> {
  const module = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.ts`);
  await writeFile(
    file,
    `import { guardProcessOutput } from ${module('src/output/process-guard.ts')};
import { Redactor } from ${module('src/output/redactor.ts')};
const redactor = new Redactor(['guarded-secret-1']);
const guard = guardProcessOutput(redactor, {
  onCrash: (error) => {
    process.stderr.write(\`crash: \${error instanceof Error ? error.message : String(error)}\\n\`);
    process.exit(7);
  },
});
${body}
`,
  );
  return runProcess(process.execPath, [file], { timeoutMs: 30_000 });
}

describe('guardProcessOutput', () => {
  it('redacts console, raw writes and bytes, with secrets added later; lets the mask line through', async () => {
    const run = await runScript(`
console.log('console guarded-secret-1');
process.stdout.write(Buffer.from('bytes guarded-secret-1\\n'));
process.stderr.write('stderr guarded-secret-1\\n', () => process.stdout.write('callback ran\\n'));
guard.unguarded(() => process.stdout.write('::add-mask::guarded-secret-1\\n'));
redactor.add('added-later-secret');
console.error('late added-later-secret');
process.stdout.write('utf8 stays utf8\\n', 'utf8');
`);
    expect(run.code).toBe(0);
    // The write callback runs when the write is done: its line may come later.
    expect(run.stdout.split('\n').sort()).toEqual([
      '',
      '::add-mask::guarded-secret-1',
      'bytes ***',
      'callback ran',
      'console ***',
      'utf8 stays utf8',
    ]);
    expect(run.stderr).toBe('stderr ***\nlate ***\n');
  });

  it.each([
    [
      'an uncaught exception',
      "setTimeout(() => { throw new Error('boom guarded-secret-1'); }, 5);",
    ],
    ['an unhandled rejection', "Promise.reject(new Error('boom guarded-secret-1'));"],
  ])('turns %s into the entry point’s own redacted line', async (_, body) => {
    const run = await runScript(body);
    expect(run.code).toBe(7);
    expect(run.stderr).toBe('crash: boom ***\n');
  });
});
