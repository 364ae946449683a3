// Moves the major tag (v1) to a release tag (v1.2.3), so `uses: org/perf-action@v1` runs the
// newest release of that major. Run by the release workflow on a version tag; by hand:
//   node scripts/release-tag.ts v1.2.3 [--dry-run] [--remote origin]
// Refuses a tag that is not vX.Y.Z or does not match package.json's version, and never moves the
// major tag back to an older release than the newest one of that major (re-running an old
// release's workflow leaves it where it is).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** A release version `major.minor.patch`. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** `v1.2.3` -> {1, 2, 3}; undefined for anything else (pre-releases, `v1`, `1.2.3`). */
export function parseReleaseTag(tag: string): Version | undefined {
  const match = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(tag);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** What to do with the major tag. */
export type MajorTagPlan =
  | { action: 'move'; majorTag: string; reason: string }
  | { action: 'keep'; majorTag: string; reason: string };

/**
 * Decides whether `tag` becomes the major tag, given package.json's version and the tags that
 * exist. Throws an Error with one line when the tag cannot be released.
 */
export function planMajorTag(tag: string, packageVersion: string, tags: string[]): MajorTagPlan {
  const version = parseReleaseTag(tag);
  if (!version) throw new Error(`'${tag}' is not a release tag (expected vMAJOR.MINOR.PATCH)`);
  if (packageVersion !== tag.slice(1)) {
    throw new Error(`tag ${tag} does not match package.json's version ${packageVersion}`);
  }
  const majorTag = `v${version.major}`;
  const newest = tags
    .map((t) => ({ tag: t, version: parseReleaseTag(t) }))
    .filter((t): t is { tag: string; version: Version } => t.version?.major === version.major)
    .sort((a, b) => compareVersions(b.version, a.version))[0];
  if (newest && compareVersions(newest.version, version) > 0) {
    return {
      action: 'keep',
      majorTag,
      reason: `${majorTag} stays with ${newest.tag}, newer than ${tag}`,
    };
  }
  return { action: 'move', majorTag, reason: `${majorTag} now points at ${tag}` };
}

/** Runs git; a failure throws one line with git's own message. */
function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`git ${args.join(' ')} failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`);
  }
}

/**
 * Moves (or keeps) the major tag in the repository at `cwd` and pushes it to `remote`.
 * @returns the plan carried out.
 */
export function releaseMajorTag(
  tag: string,
  options: { cwd: string; remote: string; isDryRun: boolean },
): MajorTagPlan {
  const { cwd, remote } = options;
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { version: string };
  const plan = planMajorTag(tag, pkg.version, git(['tag', '--list'], cwd).split('\n'));
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`], cwd);
  } catch {
    throw new Error(`no tag ${tag} in ${cwd}`);
  }
  if (plan.action === 'move' && !options.isDryRun) {
    // A lightweight tag, moved on every release of the major (force: it existed before).
    git(['tag', '--force', plan.majorTag, commit], cwd);
    git(['push', '--force', remote, `refs/tags/${plan.majorTag}`], cwd);
  }
  return plan;
}

if (import.meta.main) {
  try {
    const { values, positionals } = parseArgs({
      options: { 'dry-run': { type: 'boolean' }, remote: { type: 'string' } },
      allowPositionals: true,
    });
    const [tag, ...rest] = positionals;
    if (!tag || rest.length > 0) throw new Error('usage: release-tag.ts vX.Y.Z [--dry-run]');
    const plan = releaseMajorTag(tag, {
      cwd: process.cwd(),
      remote: values.remote ?? 'origin',
      isDryRun: values['dry-run'] === true,
    });
    console.log(`release-tag: ${plan.reason}${values['dry-run'] ? ' (dry run)' : ''}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`release-tag: ${message.split('\n')[0]}`);
    process.exitCode = 2;
  }
}
