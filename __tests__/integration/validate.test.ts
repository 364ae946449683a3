// `perf-action validate` and per-command help, through the CLI's real main: validate checks the
// config as run does and contacts nothing (a live service counts the requests it gets, and the
// config's start command would leave a file behind).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:…} is the config syntax under test.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP, COMMANDS, USAGE } from '../../src/cli/args.ts';
import { runCli } from '../helpers/run-cli.ts';
import { runCliInProcess } from '../helpers/run-cli-in-process.ts';

let dir: string;
let server: Server;
let url: string;
let requests = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-validate-'));
  server = createServer((_, response) => {
    requests += 1;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function config(marker: string): string {
  return `target:
  url: \${env:PERF_VALIDATE_URL}/base?token=\${env:PERF_VALIDATE_TOKEN}
  health: /health
  start: touch ${marker}
load:
  scenarios:
    - name: a
      request: { path: / }
      connections: \${env:PERF_VALIDATE_CONNECTIONS}
      duration: 1s
stress:
  scenarios:
    - name: s
      mix: [{ name: a, weight: 1, request: { path: / } }]
      stages: [{ rate: 10, duration: 10s }]
`;
}

describe('perf-action validate', () => {
  it('says in one line that the config is valid and what it configures, contacting nothing', async () => {
    const marker = join(dir, 'started');
    const file = join(dir, 'perf.yml');
    await writeFile(file, config(marker));
    const env = {
      PERF_VALIDATE_URL: url,
      PERF_VALIDATE_TOKEN: 'tok-hidden',
      PERF_VALIDATE_CONNECTIONS: '4',
    };
    const run = await runCliInProcess(['validate', '-c', file], { env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      `perf-action: ${file} is valid: load (1 scenario), stress (1 scenario) against ${url}/base (started by perf-action)\n`,
    );
    expect(run.stdout).not.toContain('tok-hidden');
    expect(requests).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('checks --target and --suite as run would', async () => {
    const file = join(dir, 'perf.yml');
    await writeFile(file, config(join(dir, 'never')));
    const env = {
      PERF_VALIDATE_URL: url,
      PERF_VALIDATE_TOKEN: 't',
      PERF_VALIDATE_CONNECTIONS: '4',
    };
    const run = await runCliInProcess(
      ['validate', '-c', file, '--target', 'https://perf.example.test', '--suite', 'stress'],
      { env },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `perf-action: ${file} is valid: stress (1 scenario) against https://perf.example.test (started by perf-action)\n`,
    );
    expect(requests).toBe(0);
  });

  it('lists the problems of an invalid config and exits 2, as a program too', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(
      file,
      'target:\n  url: http://127.0.0.1:9\n  wait: 1000000h\nload: { scenarois: [] }\n',
    );
    const run = await runCli(['validate', '-c', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toStrictEqual([
      `perf-action: ${file}:4:9 'load.scenarois': unknown key 'scenarois' (did you mean 'scenarios'?)`,
      `  ${file}:3:3 'target.wait': expected a duration from 100ms to 1h, got "1000000h"`,
    ]);
  });
});

describe('per-command help', () => {
  it.each(COMMANDS.map((command) => [command]))(
    'perf-action %s --help prints its own help',
    async (command) => {
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
      ]) {
        const run = await runCliInProcess(args);
        expect(run).toStrictEqual(
          expect.objectContaining({ code: 0, stdout: `${COMMAND_HELP[command]}\n`, stderr: '' }),
        );
      }
    },
  );

  it('perf-action --help lists the commands', async () => {
    const run = await runCliInProcess(['--help']);
    expect(run.stdout).toBe(`${USAGE}\n`);
    for (const command of COMMANDS) expect(run.stdout).toContain(`  ${command}`);
  });

  it('works from the program too', async () => {
    const run = await runCli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${COMMAND_HELP.run}\n`);
  });
});
