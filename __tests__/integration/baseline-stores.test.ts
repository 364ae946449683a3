// The cache and artifact stores through the REAL @actions/cache 6 and @actions/artifact 6 code,
// against a local stand-in of the results service (twirp JSON) and of the REST artifact API, with
// azurite as the blob store. Nothing of the libraries is mocked: they read the same environment
// variables as on a runner, pointed at 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStore as ArtifactStoreType } from '../../src/baseline/artifact-store.ts';
import type { ActionsCacheStore as ActionsCacheStoreType } from '../../src/baseline/cache-store.ts';
import { FallbackStore } from '../../src/baseline/fallback-store.ts';
import {
  appendRecord,
  emptyHistory,
  historyId,
  makeRecord,
  serializeHistory,
} from '../../src/baseline/history.ts';
import type { BaselineHistory } from '../../src/baseline/types.ts';
import {
  type ResultsStandin,
  type RunIdentity,
  startResultsStandin,
} from '../helpers/actions-results-standin.ts';
import { type Azurite, startAzurite } from '../helpers/azurite.ts';
import { checkResponse, findOperation, loadGitHubOpenApi } from '../helpers/openapi-check.ts';
import { sampleResult } from '../helpers/sample-result.ts';

const ENV_KEYS = [
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_MODE',
  'GITHUB_SERVER_URL',
  'GITHUB_API_URL',
  'GITHUB_WORKSPACE',
  'RUNNER_TEMP',
] as const;

let work: string;
let azurite: Azurite;
let standin: ResultsStandin;
let closedUrl: string;
const savedEnv = new Map<string, string | undefined>();
let nextRunId = 5000;
// Imported once the environment points at the stand-in: @actions/github fixes its API base URL
// (GITHUB_API_URL) when it is first imported, as it would on a runner.
let ArtifactStore: typeof ArtifactStoreType;
let ActionsCacheStore: typeof ActionsCacheStoreType;
let saveCache: typeof import('@actions/cache').saveCache;
let DefaultArtifactClient: typeof import('@actions/artifact').DefaultArtifactClient;
// The libraries print hundreds of ::debug:: lines; keep them (to assert on) instead of printing,
// unless PERF_TEST_VERBOSE is set.
const printed: string[] = [];
const originalWrite = process.stdout.write;

function quietStdout(): void {
  if (process.env.PERF_TEST_VERBOSE) return;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((argument) => typeof argument === 'function') as
      | (() => void)
      | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
}

function run(headBranch = 'main', extra: Partial<RunIdentity> = {}): RunIdentity {
  return {
    runId: nextRunId++,
    backendRunId: randomUUID(),
    backendJobId: randomUUID(),
    headBranch,
    ...extra,
  };
}

/** Points the libraries at the stand-in as the runner of `identity`. */
function actAs(identity: RunIdentity): void {
  process.env.ACTIONS_RESULTS_URL = `${standin.url}/`;
  process.env.GITHUB_API_URL = standin.url;
  process.env.ACTIONS_RUNTIME_TOKEN = standin.issueRuntimeToken(identity);
}

/** A history of `count` runs whose p95 is `p95` (to tell histories apart). */
function historyWith(name: string, p95: number, count = 1): BaselineHistory {
  let history = emptyHistory(name);
  for (let index = 0; index < count; index++) {
    const result = sampleResult();
    result.metrics[2] = { ...(result.metrics[2] as (typeof result.metrics)[number]), value: p95 };
    history = appendRecord(
      history,
      makeRecord(result, { savedAt: new Date(Date.UTC(2026, 0, 1 + index)).toISOString() }),
    );
  }
  return history;
}

function p95Of(history: BaselineHistory | undefined): number | undefined {
  return history?.records.at(-1)?.result.metrics[2]?.value;
}

beforeAll(async () => {
  quietStdout();
  work = await mkdtemp(join(tmpdir(), 'perf-baseline-stores-'));
  for (const key of ENV_KEYS) savedEnv.set(key, process.env[key]);
  azurite = await startAzurite(join(work, 'azurite'));
  standin = await startResultsStandin({ azuriteAccountUrl: azurite.accountUrl });
  // A port nobody listens on: "the service is down".
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  await mkdir(join(work, 'workspace'), { recursive: true });
  await mkdir(join(work, 'runner-temp'), { recursive: true });
  process.env.ACTIONS_CACHE_SERVICE_V2 = 'True';
  process.env.GITHUB_SERVER_URL = 'https://github.com';
  process.env.GITHUB_WORKSPACE = join(work, 'workspace');
  process.env.RUNNER_TEMP = join(work, 'runner-temp');
  process.env.GITHUB_API_URL = standin.url;
  delete process.env.ACTIONS_CACHE_URL;
  delete process.env.ACTIONS_CACHE_MODE;
  ({ ArtifactStore } = await import('../../src/baseline/artifact-store.ts'));
  ({ ActionsCacheStore } = await import('../../src/baseline/cache-store.ts'));
  ({ saveCache } = await import('@actions/cache'));
  ({ DefaultArtifactClient } = await import('@actions/artifact'));
});

afterAll(async () => {
  process.stdout.write = originalWrite;
  for (const [key, value] of savedEnv) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await standin?.close();
  await azurite?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

beforeEach(() => {
  standin?.setFault(undefined);
});

describe('ActionsCacheStore', () => {
  function cacheStore(identity: RunIdentity, options: { dir?: string } = {}) {
    actAs(identity);
    return new ActionsCacheStore({
      branch: 'main',
      runId: String(identity.runId),
      attempt: '1',
      ...options,
    });
  }

  it('saves, restores, and restores the newest of several saves by prefix; misses cleanly', async () => {
    const first = run();
    const store1 = cacheStore(first);
    expect(await store1.load('default')).toBeUndefined();

    const history1 = historyWith('default', 101);
    await store1.save(history1);
    expect(await store1.load('default')).toEqual(history1);

    // The next default-branch run appends and saves under its own key (entries are immutable).
    const second = run();
    const store2 = cacheStore(second);
    const loaded = await store2.load('default');
    expect(p95Of(loaded)).toBe(101);
    const [next] = historyWith('default', 102).records;
    if (!loaded || !next) throw new Error('expected a loaded history and a new record');
    const history2 = appendRecord(loaded, next);
    await store2.save(history2);

    // A later run restores the newest history.
    const store3 = cacheStore(run());
    const newest = await store3.load('default');
    expect(newest?.records).toHaveLength(2);
    expect(p95Of(newest)).toBe(102);
    expect(standin.cacheKeys()).toEqual([
      `perf-action-baseline-main-default-${first.runId}-1`,
      `perf-action-baseline-main-default-${second.runId}-1`,
    ]);

    // Another config id misses, also one whose name starts with the same letters.
    await cacheStore(run()).save(historyWith('default-2', 999));
    expect(await store3.load('default-3')).toBeUndefined();
    expect(p95Of(await store3.load('default'))).toBe(102);
    expect(p95Of(await store3.load('default-2'))).toBe(999);
  });

  it('cannot overwrite an entry: saving the same key twice fails clearly', async () => {
    const identity = run();
    const store = cacheStore(identity);
    await store.save(historyWith('immutable', 1));
    await expect(store.save(historyWith('immutable', 2))).rejects.toThrow(
      /Actions cache: cannot save baseline 'immutable' as perf-action-baseline-main-immutable-\d+-1: .*reserve/,
    );
    expect(p95Of(await store.load('immutable'))).toBe(1);
  });

  it('misses an entry saved from another path (the cache version hashes the paths)', async () => {
    await cacheStore(run()).save(historyWith('pathed', 7));
    const elsewhere = cacheStore(run(), { dir: join(work, 'elsewhere') });
    expect(await elsewhere.load('pathed')).toBeUndefined();
  });

  it('throws on a service failure instead of reporting a miss', async () => {
    const store = cacheStore(run());
    await store.save(historyWith('faulty', 3));
    standin.setFault({
      scope: 'twirp',
      status: 403,
      code: 'permission_denied',
      message: 'token revoked',
    });
    await expect(store.load('faulty')).rejects.toThrow(
      /^Actions cache: cannot restore baseline 'faulty' \(perf-action-baseline-main-faulty-\*\): Failed to restore: .*403.*token revoked/,
    );
    await expect(store.save(historyWith('faulty', 4))).rejects.toThrow(
      /cannot save baseline 'faulty'/,
    );
    // The library's own annotations became the thrown errors: they are not printed as well.
    expect(
      printed.filter((line) => /^::(warning|error)::Failed to (restore|save)/.test(line)),
    ).toEqual([]);
  });
});

describe('ArtifactStore', () => {
  function artifactStore(identity: RunIdentity) {
    actAs(identity);
    return new ArtifactStore({
      token: standin.restToken,
      owner: standin.owner,
      repo: standin.repo,
      branch: 'main',
    });
  }

  it('uploads, loads the newest default-branch history, skips others, misses', async () => {
    expect(await artifactStore(run()).load('default')).toBeUndefined();

    const runA = run();
    await artifactStore(runA).save(historyWith('default', 201));
    const runB = run();
    await artifactStore(runB).save(historyWith('default', 202));
    // Newer, but not from the default branch of this repository: never a baseline.
    await artifactStore(run('feature/faster')).save(historyWith('default', 203));
    await artifactStore(run('main', { headRepositoryId: 77 })).save(historyWith('default', 204));
    // Another history name.
    await artifactStore(run()).save(historyWith('other', 301));

    const reader = artifactStore(run('feature/x'));
    expect(p95Of(await reader.load('default'))).toBe(202);
    expect(p95Of(await reader.load('other'))).toBe(301);
    expect(await reader.load('missing')).toBeUndefined();

    // An expired artifact is skipped: the next newest one loads.
    const expired = standin.artifacts().find((artifact) => artifact.runId === runB.runId);
    standin.expireArtifact(expired?.id as number);
    expect(p95Of(await reader.load('default'))).toBe(201);

    // Saving again in the same run replaces that run's artifact (names are unique per run).
    await artifactStore(runA).save(historyWith('default', 205));
    expect(standin.artifacts().filter((artifact) => artifact.runId === runA.runId)).toHaveLength(1);
    expect(p95Of(await reader.load('default'))).toBe(205);
  });

  it('throws when the REST API fails', async () => {
    const store = artifactStore(run());
    standin.setFault({ scope: 'rest', status: 500, message: 'Server Error' });
    await expect(store.load('default')).rejects.toThrow(
      /^artifacts: cannot list perf-baseline-default in octo-org\/shop: .*Server Error/,
    );
  });

  it('speaks the REST API as GitHub documents it', () => {
    const spec = loadGitHubOpenApi();
    const rest = standin.requests.filter((request) => !request.path.startsWith('/twirp/'));
    expect(rest.length).toBeGreaterThan(5);
    for (const request of rest) {
      const found = findOperation(spec, request.method, request.path);
      expect(found, `${request.method} ${request.path}`).toBeDefined();
      if (!found || request.status >= 500) continue;
      expect(checkResponse(spec, found.operation, request.status, request.response)).toEqual([]);
    }
    const templates = new Set(
      rest.map((request) => findOperation(spec, request.method, request.path)?.template),
    );
    expect(templates).toEqual(
      new Set([
        '/repos/{owner}/{repo}/actions/artifacts',
        '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      ]),
    );
    const twirp = new Set(
      standin.requests
        .filter((request) => request.path.startsWith('/twirp/'))
        .map((request) => request.path.split('/').at(-1)),
    );
    expect(twirp).toEqual(
      new Set([
        'CreateCacheEntry',
        'FinalizeCacheEntryUpload',
        'GetCacheEntryDownloadURL',
        'CreateArtifact',
        'FinalizeArtifact',
        'ListArtifacts',
        'DeleteArtifact',
      ]),
    );
  });
});

describe('FallbackStore over the real stores', () => {
  it('loads from artifacts when the cache service is down, with a warning', async () => {
    const writer = run();
    actAs(writer);
    await new ArtifactStore({
      token: standin.restToken,
      owner: standin.owner,
      repo: standin.repo,
      branch: 'main',
    }).save(historyWith('evicted', 401));

    actAs(run());
    const cache = new ActionsCacheStore({ branch: 'main', runId: '1', attempt: '1' });
    const artifacts = new ArtifactStore({
      token: standin.restToken,
      owner: standin.owner,
      repo: standin.repo,
      branch: 'main',
    });
    process.env.ACTIONS_RESULTS_URL = `${closedUrl}/`;
    const warnings: string[] = [];
    const store = new FallbackStore([cache, artifacts], { onWarning: (m) => warnings.push(m) });
    expect(p95Of(await store.load('evicted'))).toBe(401);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^baseline 'evicted': Actions cache .* failed, .*ECONNREFUSED.*; trying the next store$/,
    );
  });

  it('degrades to "no baseline" with warnings when every service is down, and never throws, nor claims a save', async () => {
    actAs(run());
    const cache = new ActionsCacheStore({ branch: 'main', runId: '2', attempt: '1' });
    const artifacts = new ArtifactStore({
      token: standin.restToken,
      owner: standin.owner,
      repo: standin.repo,
      branch: 'main',
      apiUrl: closedUrl,
    });
    process.env.ACTIONS_RESULTS_URL = `${closedUrl}/`;
    process.env.GITHUB_API_URL = closedUrl;
    const warnings: string[] = [];
    const store = new FallbackStore([cache, artifacts], { onWarning: (m) => warnings.push(m) });
    await expect(store.load('default')).resolves.toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(
      /^baseline 'default': artifacts of octo-org\/shop@main failed, .*; no baseline$/,
    );
    const report = await store.save(historyWith('default', 1));
    expect(report.saved).toEqual([]);
    expect(report.failed).toHaveLength(2);
  });
});

// What another version, another config or a crash left behind, as the file text of a 6-run history.
const UNREADABLE: Array<[string, (six: string) => string, RegExp]> = [
  [
    'of a newer schemaVersion',
    (six) => six.replace('"schemaVersion": 1', '"schemaVersion": 2'),
    /has schemaVersion 2 \(this version reads 1\): 6 record/,
  ],
  [
    'of another name',
    (six) => six.replace(/"name": "[^"]+"/, '"name": "someone-else"'),
    /is a file of history 'someone-else'/,
  ],
  ['truncated', (six) => six.slice(0, Math.floor(six.length / 2)), /is not valid JSON/],
];

describe('no store saves over a history it cannot read', () => {
  it.each(UNREADABLE)(
    'Actions cache: an entry %s is kept, the save refused',
    async (_, spoil, why) => {
      const name = `kept-cache-${randomUUID().slice(0, 8)}`.replace(/-/g, '_');
      const planter = run();
      actAs(planter);
      const store = new ActionsCacheStore({
        branch: 'main',
        runId: String(planter.runId),
        attempt: '1',
      });
      // Planted through the real library under the store's own prefix and path, as an older run's save.
      const file = store.pathOf(name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, spoil(serializeHistory(historyWith(name, 500, 6))));
      await saveCache([file], `${store.restoreKeyOf(name)}planted-1`);
      await rm(file, { force: true });

      const warnings: string[] = [];
      const next = run();
      actAs(next);
      const reader = new ActionsCacheStore({
        branch: 'main',
        runId: String(next.runId),
        attempt: '1',
        onWarning: (m) => warnings.push(m),
      });
      const loaded = await reader.load(name);
      expect(loaded).toEqual(emptyHistory(name));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(why);
      expect(warnings[0]).toContain(`(cache entry ${store.restoreKeyOf(name)}planted-1)`);
      const keys = standin.cacheKeys().length;
      const record = historyWith(name, 1).records[0];
      if (!loaded || !record) throw new Error('expected a history and a record');
      await expect(reader.save(appendRecord(loaded, record))).rejects.toThrow(
        new RegExp(
          `^Actions cache: refused to save baseline '${name}': cache entry ${store.restoreKeyOf(name)}planted-1 .*; delete that entry \\(gh cache delete .*\\) or set baseline\\.name to start a new history$`,
        ),
      );
      // A store that did not load it first checks before saving.
      const fresh = new ActionsCacheStore({
        branch: 'main',
        runId: String(next.runId),
        attempt: '2',
      });
      await expect(fresh.save(appendRecord(emptyHistory(name), record))).rejects.toThrow(/refused/);
      expect(standin.cacheKeys()).toHaveLength(keys);
    },
  );

  it.each(UNREADABLE)(
    'artifacts: an artifact %s is kept, the save refused',
    async (_, spoil, why) => {
      const name = `kept_artifact_${randomUUID().slice(0, 8)}`;
      actAs(run());
      const upload = await mkdtemp(join(work, 'plant-'));
      const file = join(upload, `${historyId(name)}.history.json`);
      await writeFile(file, spoil(serializeHistory(historyWith(name, 500, 6))));
      await new DefaultArtifactClient().uploadArtifact(
        `perf-baseline-${historyId(name)}`,
        [file],
        upload,
      );

      const warnings: string[] = [];
      actAs(run());
      const options = {
        token: standin.restToken,
        owner: standin.owner,
        repo: standin.repo,
        branch: 'main',
      };
      const reader = new ArtifactStore({ ...options, onWarning: (m) => warnings.push(m) });
      const loaded = await reader.load(name);
      expect(loaded).toEqual(emptyHistory(name));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(why);
      const artifacts = standin.artifacts().length;
      const record = historyWith(name, 1).records[0];
      if (!loaded || !record) throw new Error('expected a history and a record');
      await expect(reader.save(appendRecord(loaded, record))).rejects.toThrow(
        new RegExp(
          `^artifacts: refused to save baseline '${name}': artifact perf-baseline-${name} \\(id \\d+\\) .*; delete that artifact or set baseline\\.name to start a new history$`,
        ),
      );
      await expect(
        new ArtifactStore(options).save(appendRecord(emptyHistory(name), record)),
      ).rejects.toThrow(/refused/);
      expect(standin.artifacts()).toHaveLength(artifacts);
    },
  );
});

describe('FallbackStore.save tells the truth', () => {
  function stores(options: { cacheUrl?: string; apiUrl?: string } = {}) {
    const identity = run();
    actAs(identity);
    if (options.cacheUrl) process.env.ACTIONS_RESULTS_URL = `${options.cacheUrl}/`;
    const cache = new ActionsCacheStore({
      branch: 'main',
      runId: String(identity.runId),
      attempt: '1',
    });
    const artifacts = new ArtifactStore({
      token: standin.restToken,
      owner: standin.owner,
      repo: standin.repo,
      branch: 'main',
      ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    });
    return {
      cache,
      artifacts,
      store: new FallbackStore([cache, artifacts], { onWarning: () => {} }),
    };
  }

  it('names the stores that saved', async () => {
    const { store, cache, artifacts } = stores();
    const report = await store.save(historyWith('truth_all', 1));
    expect(report).toEqual({ saved: [cache.description, artifacts.description], failed: [] });
  });

  it('names the store that failed, and why, next to the one that saved', async () => {
    const { store, cache, artifacts } = stores();
    await store.save(historyWith('truth_some', 1));
    // Again in the same run: the cache key is taken (entries are immutable), the artifact is replaced.
    const report = await store.save(historyWith('truth_some', 2));
    expect(report.saved).toEqual([artifacts.description]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.store).toBe(cache.description);
    expect(report.failed[0]?.reason).toMatch(
      /^Actions cache: cannot save baseline 'truth_some' as .*reserve/,
    );
  });

  it('saves nowhere when every service is down, and says so for each store', async () => {
    const { store, cache, artifacts } = stores({ cacheUrl: closedUrl, apiUrl: closedUrl });
    const report = await store.save(historyWith('truth_none', 1));
    expect(report.saved).toEqual([]);
    expect(report.failed.map((failure) => failure.store)).toEqual([
      cache.description,
      artifacts.description,
    ]);
    for (const failure of report.failed) expect(failure.reason).toMatch(/ECONNREFUSED|refused/);
  });
});
