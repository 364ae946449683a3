// Histories as workflow artifacts, through @actions/artifact 6: the fallback when the cache entry
// was evicted (cache entries unused for 7 days disappear; artifacts live up to 90 days).
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { getOctokit } from '@actions/github';
import { describeError } from '../errors.ts';
import { type LoggedLine, watchActionsLog } from './actions-log.ts';
import {
  checkHistorySize,
  historyId,
  type ParsedHistory,
  parseHistory,
  serializeHistory,
} from './history.ts';
import { OverwriteGuard } from './overwrite-guard.ts';
import type { BaselineHistory, BaselineStore, LoadOptions, SaveReport } from './types.ts';
import { type WarningSink, warnOnStderr } from './warnings.ts';

/** Days an uploaded history is kept (the service lowers it to the repository's maximum). */
export const DEFAULT_RETENTION_DAYS = 90;

/** Pages of 100 artifacts read at most when looking for the newest default-branch history. */
const MAX_LIST_PAGES = 10;

export interface ArtifactStoreOptions {
  /** A token with `actions: read` (GITHUB_TOKEN), for listing and downloading across runs. */
  token: string;
  /** Repository owner, e.g. `octo-org`. */
  owner: string;
  /** Repository name, e.g. `shop`. */
  repo: string;
  /** The default branch (e.g. `main`): only artifacts of runs on it are loaded. */
  branch: string;
  /** Retention of uploaded histories in days (default 90). */
  retentionDays?: number;
  /**
   * REST API base URL for the listing (default: @actions/github's, i.e. GITHUB_API_URL or
   * api.github.com). The download goes through @actions/artifact, which always uses the URL that
   * @actions/github read from GITHUB_API_URL when it was first imported (set on every runner).
   */
  apiUrl?: string;
  /** Parent directory of the temporary upload/download folders (default RUNNER_TEMP or OS temp). */
  tempDir?: string;
  /** Where skipped records are reported (default: stderr; the action passes core.warning). */
  onWarning?: WarningSink;
}

/** The fields of GitHub's REST `artifact` object this store reads. */
interface RestArtifact {
  id: number;
  name: string;
  expired: boolean;
  created_at: string | null;
  workflow_run?: {
    id?: number;
    repository_id?: number;
    head_repository_id?: number;
    head_branch?: string;
  } | null;
}

/**
 * `save` uploads the whole rolling history as the artifact `perf-baseline-<id>` of the current run
 * (id: {@link historyId} of the name; upload uses the runner's ACTIONS_RUNTIME_TOKEN and
 * ACTIONS_RESULTS_URL). `load` lists the repository's artifacts of that name through the REST API
 * (`GET /repos/{owner}/{repo}/actions/artifacts?name=…`), keeps those of runs on the default
 * branch of this repository (not of a fork's branch with the same name), not expired, takes the
 * newest, and downloads it with the artifact client.
 *
 * Errors: `load` answers undefined when no such artifact exists and throws when the API or the
 * download failed; `save` throws when the upload failed, and refuses (throws) when the newest
 * artifact holds a history that could not be read: saving would hide it for good.
 */
export class ArtifactStore implements BaselineStore {
  readonly description: string;
  readonly #options: ArtifactStoreOptions;
  readonly #client = new DefaultArtifactClient();
  readonly #warn: WarningSink;
  readonly #guard = new OverwriteGuard();

  constructor(options: ArtifactStoreOptions) {
    for (const field of ['token', 'owner', 'repo', 'branch'] as const) {
      if (!options[field]) throw new Error(`ArtifactStore: '${field}' is required`);
    }
    this.#options = options;
    this.#warn = options.onWarning ?? warnOnStderr;
    this.description = `artifacts of ${options.owner}/${options.repo}@${options.branch}`;
  }

  /** The artifact name of history `name`. */
  artifactNameOf(name: string): string {
    return `perf-baseline-${historyId(name)}`;
  }

  async load(name: string, options: LoadOptions = {}): Promise<BaselineHistory | undefined> {
    const artifactName = this.artifactNameOf(name);
    const newest = await this.#findNewest(artifactName);
    if (!newest) {
      this.#guard.noteRead(name);
      return undefined;
    }
    const { owner, repo, token } = this.#options;
    const dir = await this.#makeTempDir('perf-baseline-download-');
    try {
      const { outcome } = await watchActionsLog(
        () =>
          this.#client.downloadArtifact(newest.id, {
            path: dir,
            findBy: {
              token,
              workflowRunId: newest.workflow_run?.id ?? 0,
              repositoryOwner: owner,
              repositoryName: repo,
            },
          }),
        isArtifactFailureLine,
      );
      if (!outcome.ok) {
        throw new Error(
          `artifacts: cannot download ${artifactName} (id ${newest.id}): ${firstLine(describeError(outcome.error))}`,
          { cause: outcome.error },
        );
      }
      const file = join(dir, `${historyId(name)}.history.json`);
      let parsed: ParsedHistory;
      try {
        // Over the size bound the file is not read at all.
        parsed =
          checkHistorySize(name, (await stat(file)).size) ??
          parseHistory(await readFile(file, 'utf8'), name, options);
      } catch (error) {
        throw new Error(
          `artifacts: ${artifactName} (id ${newest.id}) holds no ${historyId(name)}.history.json: ${describeError(error)}`,
          { cause: error },
        );
      }
      const { history, warnings, unreadable } = parsed;
      for (const warning of warnings)
        this.#warn(`${warning} (artifact ${artifactName} ${newest.id})`);
      this.#guard.noteRead(
        name,
        unreadable &&
          `artifact ${artifactName} (id ${newest.id}) ${unreadable}; delete that artifact or set baseline.name to start a new history`,
      );
      return history;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async save(history: BaselineHistory): Promise<SaveReport> {
    const artifactName = this.artifactNameOf(history.name);
    const refusal = await this.#guard.refusalOf(history.name, () => this.load(history.name));
    if (refusal) {
      throw new Error(`artifacts: refused to save baseline '${history.name}': ${refusal}`);
    }
    const dir = await this.#makeTempDir('perf-baseline-upload-');
    try {
      const file = join(dir, `${historyId(history.name)}.history.json`);
      await writeFile(file, serializeHistory(history), 'utf8');
      const upload = () =>
        this.#client.uploadArtifact(artifactName, [file], dir, {
          retentionDays: this.#options.retentionDays ?? DEFAULT_RETENTION_DAYS,
        });
      let { outcome } = await watchActionsLog(upload, isArtifactFailureLine);
      // Artifact names are unique within a run: when this run (an earlier attempt, or an earlier
      // save) already uploaded one, replace it, as upload-artifact's `overwrite: true` does.
      if (!outcome.ok && /already exists/i.test(describeError(outcome.error))) {
        const removal = await watchActionsLog(
          () => this.#client.deleteArtifact(artifactName),
          isArtifactFailureLine,
        );
        if (removal.outcome.ok)
          ({ outcome } = await watchActionsLog(upload, isArtifactFailureLine));
      }
      if (!outcome.ok) {
        throw new Error(
          `artifacts: cannot upload baseline '${history.name}' as ${artifactName}: ${firstLine(describeError(outcome.error))}`,
          { cause: outcome.error },
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    this.#guard.noteRead(history.name);
    return { saved: [this.description], failed: [] };
  }

  /** The newest usable artifact of that name, or undefined. */
  async #findNewest(artifactName: string): Promise<RestArtifact | undefined> {
    const { token, owner, repo, branch, apiUrl } = this.#options;
    const octokit = getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {});
    const candidates: RestArtifact[] = [];
    // GitHub lists artifacts newest first: stop at the first page that has a candidate.
    for (let page = 1; page <= MAX_LIST_PAGES && candidates.length === 0; page++) {
      let data: { total_count: number; artifacts: RestArtifact[] };
      try {
        ({ data } = await octokit.request('GET /repos/{owner}/{repo}/actions/artifacts', {
          owner,
          repo,
          name: artifactName,
          per_page: 100,
          page,
        }));
      } catch (error) {
        throw new Error(
          `artifacts: cannot list ${artifactName} in ${owner}/${repo}: ${firstLine(describeError(error))}`,
          { cause: error },
        );
      }
      candidates.push(
        ...data.artifacts.filter((artifact) => isUsable(artifact, artifactName, branch)),
      );
      if (page * 100 >= data.total_count || data.artifacts.length === 0) break;
    }
    return candidates.sort(newestFirst)[0];
  }

  async #makeTempDir(prefix: string): Promise<string> {
    const parent = this.#options.tempDir ?? (process.env.RUNNER_TEMP || tmpdir());
    await mkdir(parent, { recursive: true });
    return mkdtemp(join(parent, prefix));
  }
}

function isUsable(artifact: RestArtifact, artifactName: string, branch: string): boolean {
  const run = artifact.workflow_run;
  if (artifact.name !== artifactName || artifact.expired || !run || run.id === undefined) {
    return false;
  }
  if (run.head_branch !== branch) return false;
  // A pull request from a fork's own `main` also reports head_branch `main`.
  const fromFork =
    run.repository_id !== undefined &&
    run.head_repository_id !== undefined &&
    run.repository_id !== run.head_repository_id;
  return !fromFork;
}

function newestFirst(a: RestArtifact, b: RestArtifact): number {
  const byTime = Date.parse(b.created_at ?? '') - Date.parse(a.created_at ?? '');
  return Number.isNaN(byTime) || byTime === 0 ? b.id - a.id : byTime;
}

/** The artifact client's own warning annotations: the thrown error says the same, once. */
function isArtifactFailureLine(line: LoggedLine): boolean {
  return (
    line.kind === 'warning' &&
    /^(Artifact upload|Download Artifact|Listing Artifacts|Get Artifact|Delete Artifact) failed/.test(
      line.message,
    )
  );
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
