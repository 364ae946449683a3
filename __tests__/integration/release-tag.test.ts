// scripts/release-tag.ts on real git repositories: a clone, and a bare repository as its origin.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.ts';

let dir: string;
let origin: string;
let clone: string;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Commits package.json at `version` and tags it v`version`, pushed; returns the commit. */
async function release(version: string): Promise<string> {
  await writeFile(join(clone, 'package.json'), `${JSON.stringify({ name: 'x', version })}\n`);
  git(clone, 'add', 'package.json');
  git(clone, 'commit', '--quiet', '-m', `release ${version}`);
  git(clone, 'tag', `v${version}`);
  git(clone, 'push', '--quiet', 'origin', 'HEAD:main', `v${version}`);
  return git(clone, 'rev-parse', 'HEAD');
}

function releaseTag(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-tag.ts'), ...args], {
    cwd: clone,
    encoding: 'utf8',
  });
}

/** Where the major tag points on origin, or undefined. */
function originTag(tag: string): string | undefined {
  const line = git(origin, 'show-ref', '--tags')
    .split('\n')
    .find((l) => l.endsWith(` refs/tags/${tag}`));
  return line?.split(' ')[0];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-release-'));
  origin = join(dir, 'origin.git');
  clone = join(dir, 'clone');
  git(dir, 'init', '--quiet', '--bare', origin);
  git(dir, 'clone', '--quiet', origin, clone);
  git(clone, 'config', 'user.email', 'release@example.com');
  git(clone, 'config', 'user.name', 'release test');
  git(clone, 'config', 'commit.gpgsign', 'false');
  git(clone, 'config', 'tag.gpgsign', 'false');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('release-tag.ts', () => {
  it('moves v1 forward with each release, never back, and starts v2 on its own', async () => {
    const v100 = await release('1.0.0');
    let run = releaseTag('v1.0.0');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('release-tag: v1 now points at v1.0.0\n');
    expect(run.status).toBe(0);
    expect(originTag('v1')).toBe(v100);

    const v110 = await release('1.1.0');
    expect(releaseTag('v1.1.0').status).toBe(0);
    expect(originTag('v1')).toBe(v110);

    // The older release's workflow again (its checkout: package.json says 1.0.0): v1 stays.
    git(clone, 'checkout', '--quiet', 'v1.0.0');
    run = releaseTag('v1.0.0');
    expect(run.stdout).toBe('release-tag: v1 stays with v1.1.0, newer than v1.0.0\n');
    expect(run.status).toBe(0);
    expect(originTag('v1')).toBe(v110);
    git(clone, 'checkout', '--quiet', 'main');

    const v200 = await release('2.0.0');
    expect(releaseTag('v2.0.0').status).toBe(0);
    expect(originTag('v2')).toBe(v200);
    expect(originTag('v1')).toBe(v110);
  });

  it('--dry-run says what it would do and pushes nothing', async () => {
    const before = originTag('v2');
    const commit = await release('2.1.0');
    const run = releaseTag('v2.1.0', '--dry-run');
    expect(run.stdout).toBe('release-tag: v2 now points at v2.1.0 (dry run)\n');
    expect(originTag('v2')).toBe(before);
    expect(originTag('v2')).not.toBe(commit);
  });

  it('refuses, in one line and exit code 2, a tag that does not match package.json or is missing', async () => {
    await writeFile(
      join(clone, 'package.json'),
      `${JSON.stringify({ name: 'x', version: '2.2.0' })}\n`,
    );
    let run = releaseTag('v2.3.0');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "release-tag: tag v2.3.0 does not match package.json's version 2.2.0\n",
    );
    run = releaseTag('v2.2.0');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`release-tag: no tag v2.2.0 in ${clone}\n`);
    run = releaseTag('latest');
    expect(run.stderr).toBe(
      "release-tag: 'latest' is not a release tag (expected vMAJOR.MINOR.PATCH)\n",
    );
    git(clone, 'checkout', '--quiet', '--', 'package.json');
  });
});
