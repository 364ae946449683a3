// `perf-action demo --ab` as the pipeline gets it: two copies of the sample service on two free
// ports, started through target.start and base.start, the head one slowed down, and no history.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand, type RunCommand } from '../../../src/cli/args.ts';
import { DEMO_AB_CPU_MS, DEMO_AB_SLOWDOWN } from '../../../src/cli/demo.ts';
import { runSettings } from '../../../src/cli/main.ts';
import { recordingOutlet } from '../../helpers/outlet.ts';
import { ROOT } from '../../helpers/run-cli.ts';

const SERVER = join(ROOT, 'examples', 'validation-platform', 'server.ts');

async function settingsOf(argv: string[]) {
  return runSettings(parseCommand(argv) as RunCommand, recordingOutlet());
}

const portOf = (url: string | undefined) => Number(new URL(url ?? '').port);

describe('demo --ab', () => {
  it('starts the head slowed and the base as it is, on two free ports, with examples/perf-ab.yml', async () => {
    const settings = await settingsOf(['demo', '--ab']);
    expect(resolve(settings.configPath)).toBe(join(ROOT, 'examples', 'perf-ab.yml'));
    expect(settings.targetUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(settings.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(settings.baseUrl)).not.toBe(portOf(settings.targetUrl));

    const server = `DEMO_CPU_MS=${DEMO_AB_CPU_MS} '${process.execPath}' '${SERVER}'`;
    expect(DEMO_AB_SLOWDOWN).toBe('25%');
    expect(settings.targetStart).toBe(
      `${server} --port ${portOf(settings.targetUrl)} --slowdown 25%`,
    );
    expect(settings.baseStart).toBe(`${server} --port ${portOf(settings.baseUrl)}`);
    // The base is the reference: no history read or saved.
    expect(settings.baselineStore).toBeUndefined();
    expect(settings.updateBaseline).toBe(false);
  });

  it('keeps --config, --suite and --out', async () => {
    const settings = await settingsOf([
      'demo',
      '--ab',
      '-c',
      'mine.yml',
      '--suite',
      'load',
      '--out',
      'o',
    ]);
    expect(settings).toMatchObject({ configPath: 'mine.yml', suites: ['load'], outDir: 'o' });
    expect(settings.baseStart).toBeDefined();
  });

  it('leaves the plain demo as it was: one service, its own history', async () => {
    const settings = await settingsOf(['demo']);
    expect(settings.baseUrl).toBeUndefined();
    expect(settings.baseStart).toBeUndefined();
    expect(settings.targetStart).not.toContain('--slowdown');
    expect(settings.baselineStore).toBeDefined();
    expect(settings.updateBaseline).toBe(true);
  });

  it('passes --base-url and --base-start of run to the pipeline', async () => {
    const settings = await settingsOf([
      'run',
      '--target',
      'http://127.0.0.1:8000',
      '--base-url',
      'http://127.0.0.1:8001',
      '--base-start',
      'npm --prefix base start',
    ]);
    expect(settings).toMatchObject({
      targetUrl: 'http://127.0.0.1:8000',
      baseUrl: 'http://127.0.0.1:8001',
      baseStart: 'npm --prefix base start',
    });
    expect(settings.targetStart).toBeUndefined();
  });
});
