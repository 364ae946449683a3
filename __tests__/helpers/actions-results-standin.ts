// A local stand-in of GitHub's Actions results service (twirp JSON), the part of the REST API that
// lists and downloads artifacts across runs, and azurite as its blob store, so that the real
// @actions/cache 6 and @actions/artifact 6 code can be tested without mocking it.
//
// Wire facts it follows (read from the libraries' generated clients and from real logs):
// - twirp: `POST /twirp/<package>.<Service>/<Method>`, `Content-Type: application/json`; request
//   fields arrive with proto names (the clients use `useProtoFieldName`), responses use proto names
//   and include default values; int64 as strings; wrappers (StringValue, Int64Value) as plain
//   values; Timestamps as RFC 3339 strings. Errors: `{ "code": …, "msg": … }` with twirp's HTTP
//   status (already_exists 409, not_found 404, unauthenticated 401, …).
// - cache: entries are (key, version); creating one that exists answers 409 already_exists
//   ("cache entry with the same key, version, and scope already exists"); lookup takes the exact
//   key, then the newest entry whose key starts with the key, then with each restore key in order,
//   always with the same version; a miss is `{ ok: false }` with HTTP 200.
// - artifacts: names are unique per workflow run (409 "an artifact with this name already exists
//   on the workflow run"); backend ids come from the runtime token's `scp` claim.
// - blobs: SAS URLs of azurite's development account.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './azurite.ts';
import { sendJson, serveOnLoopback } from './json-server.ts';

/** The workflow run a runtime token belongs to. */
export interface RunIdentity {
  /** The numeric run id of the REST API (GITHUB_RUN_ID). */
  runId: number;
  /** The results service's ids of the run and the job (the `scp` claim). */
  backendRunId: string;
  backendJobId: string;
  headBranch: string;
  headSha?: string;
  /** Differs from the repository's id for a pull request from a fork. */
  headRepositoryId?: number;
}

/** One request the stand-in answered. */
export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  status: number;
  /** The JSON answer, when there was one. */
  response?: unknown;
}

/** Makes requests fail: `twirp` ones with a twirp error, `rest` ones with a REST error. */
export interface Fault {
  scope: 'twirp' | 'rest';
  status: number;
  /** twirp error code, e.g. `internal`, `unavailable`. */
  code?: string;
  message: string;
}

export interface ResultsStandin {
  /** `http://127.0.0.1:<port>`: ACTIONS_RESULTS_URL and GITHUB_API_URL. */
  url: string;
  owner: string;
  repo: string;
  repositoryId: number;
  /** The REST token it accepts (`Authorization: token …` or `Bearer …`). */
  restToken: string;
  /** A JWT-shaped ACTIONS_RUNTIME_TOKEN for that run (the libraries decode `scp`). */
  issueRuntimeToken(run: RunIdentity): string;
  /** Every request, in order. */
  readonly requests: LoggedRequest[];
  /** Finalized cache entries, oldest first. */
  cacheKeys(): string[];
  /** Finalized artifacts, oldest first. */
  artifacts(): Array<{ id: number; name: string; runId: number; headBranch: string }>;
  expireArtifact(id: number): void;
  /** The stored bytes of every finalized cache entry and artifact (what the services keep). */
  storedBlobs(): Promise<Array<{ kind: 'cache' | 'artifact'; name: string; data: Buffer }>>;
  setFault(fault: Fault | undefined): void;
  close(): Promise<void>;
}

interface CacheEntry {
  id: number;
  key: string;
  version: string;
  blobName: string;
  finalized: boolean;
  /** Logical creation order: the newest entry wins a prefix match. */
  sequence: number;
}

interface ArtifactEntry {
  id: number;
  run: RunIdentity;
  name: string;
  blobName: string;
  mimeType: string;
  size: number;
  digest?: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
  finalized: boolean;
}

class TwirpError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

// twirp's mapping of error codes to HTTP statuses.
const TWIRP_STATUS: Record<string, number> = {
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
};

const CONTAINER = 'actions-results';
const CACHE_SERVICE = 'github.actions.results.api.v1.CacheService';
const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';

/** Starts the stand-in on 127.0.0.1, port 0, over an azurite account at `azuriteAccountUrl`. */
export async function startResultsStandin(options: {
  azuriteAccountUrl: string;
  owner?: string;
  repo?: string;
}): Promise<ResultsStandin> {
  const owner = options.owner ?? 'octo-org';
  const repo = options.repo ?? 'shop';
  const repositoryId = 4242;
  const restToken = `ghs_${randomBytes(12).toString('hex')}`;
  const credential = new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY);
  const container = new BlobServiceClient(options.azuriteAccountUrl, credential).getContainerClient(
    CONTAINER,
  );
  await container.createIfNotExists();

  const runtimeTokens = new Map<string, RunIdentity>();
  const cacheEntries: CacheEntry[] = [];
  const artifactEntries: ArtifactEntry[] = [];
  const requests: LoggedRequest[] = [];
  let fault: Fault | undefined;
  let sequence = 0;
  let nextCacheId = 1;
  let nextArtifactId = 9001;
  // Artifact times advance one second per artifact, so "newest" never depends on timer resolution.
  const clockStart = Date.now();

  function signedUrl(blobName: string, permissions: string): string {
    const now = Date.now();
    const sas = generateBlobSASQueryParameters(
      {
        containerName: CONTAINER,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(now - 5 * 60_000),
        expiresOn: new Date(now + 60 * 60_000),
      },
      credential,
    ).toString();
    return `${container.getBlockBlobClient(blobName).url}?${sas}`;
  }

  async function blobSize(blobName: string): Promise<number | undefined> {
    const blob = container.getBlobClient(blobName);
    if (!(await blob.exists())) return undefined;
    return (await blob.getProperties()).contentLength ?? 0;
  }

  // ---- twirp ---------------------------------------------------------------------------------

  function field(body: Record<string, unknown>, protoName: string): unknown {
    // Proto names arrive from these clients; protobuf JSON also allows the lowerCamel json names.
    const jsonName = protoName.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    return body[protoName] ?? body[jsonName];
  }

  function requiredString(body: Record<string, unknown>, protoName: string): string {
    const value = field(body, protoName);
    if (typeof value !== 'string' || value === '') {
      throw new TwirpError('invalid_argument', `${protoName} is required`);
    }
    return value;
  }

  function runOf(request: IncomingMessage): RunIdentity {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const run = runtimeTokens.get(token);
    if (!run) throw new TwirpError('unauthenticated', 'invalid or missing runtime token');
    return run;
  }

  function checkBackendIds(run: RunIdentity, body: Record<string, unknown>): void {
    const runId = requiredString(body, 'workflow_run_backend_id');
    const jobId = requiredString(body, 'workflow_job_run_backend_id');
    if (runId !== run.backendRunId || jobId !== run.backendJobId) {
      throw new TwirpError('permission_denied', 'the token is not valid for this workflow run');
    }
  }

  async function cacheMethod(method: string, body: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'CreateCacheEntry': {
        const key = requiredString(body, 'key');
        const version = requiredString(body, 'version');
        if (cacheEntries.some((entry) => entry.key === key && entry.version === version)) {
          throw new TwirpError(
            'already_exists',
            'cache entry with the same key, version, and scope already exists',
          );
        }
        const id = nextCacheId++;
        const blobName = `caches/${id}/cache.tzst`;
        cacheEntries.push({ id, key, version, blobName, finalized: false, sequence: 0 });
        return { ok: true, signed_upload_url: signedUrl(blobName, 'racw'), message: '' };
      }
      case 'FinalizeCacheEntryUpload': {
        const key = requiredString(body, 'key');
        const version = requiredString(body, 'version');
        const entry = cacheEntries.find(
          (candidate) =>
            candidate.key === key && candidate.version === version && !candidate.finalized,
        );
        if (!entry) throw new TwirpError('not_found', 'cache entry not found');
        const size = await blobSize(entry.blobName);
        if (size === undefined) throw new TwirpError('failed_precondition', 'blob not uploaded');
        if (String(size) !== String(field(body, 'size_bytes'))) {
          throw new TwirpError('invalid_argument', `size_bytes does not match the blob (${size})`);
        }
        entry.finalized = true;
        entry.sequence = ++sequence;
        return { ok: true, entry_id: String(entry.id), message: '' };
      }
      case 'GetCacheEntryDownloadURL': {
        const key = requiredString(body, 'key');
        const version = requiredString(body, 'version');
        const restoreKeys = (field(body, 'restore_keys') as string[] | undefined) ?? [];
        const usable = cacheEntries
          .filter((entry) => entry.finalized && entry.version === version)
          .sort((a, b) => b.sequence - a.sequence);
        const hit =
          usable.find((entry) => entry.key === key) ??
          [key, ...restoreKeys]
            .map((prefix) => usable.find((entry) => entry.key.startsWith(prefix)))
            .find((entry) => entry !== undefined);
        if (!hit) return { ok: false, signed_download_url: '', matched_key: '' };
        return {
          ok: true,
          signed_download_url: signedUrl(hit.blobName, 'r'),
          matched_key: hit.key,
        };
      }
      default:
        throw new TwirpError('bad_route', `no handler for ${CACHE_SERVICE}/${method}`);
    }
  }

  function monolithArtifact(entry: ArtifactEntry): Record<string, unknown> {
    return {
      workflow_run_backend_id: entry.run.backendRunId,
      workflow_job_run_backend_id: entry.run.backendJobId,
      database_id: String(entry.id),
      name: entry.name,
      size: String(entry.size),
      created_at: entry.createdAt.toISOString(),
      ...(entry.digest ? { digest: entry.digest } : {}),
    };
  }

  async function artifactMethod(
    method: string,
    run: RunIdentity,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    checkBackendIds(run, body);
    const inRun = (entry: ArtifactEntry) => entry.run.backendRunId === run.backendRunId;
    switch (method) {
      case 'CreateArtifact': {
        const name = requiredString(body, 'name');
        if (artifactEntries.some((entry) => inRun(entry) && entry.name === name)) {
          throw new TwirpError(
            'already_exists',
            'an artifact with this name already exists on the workflow run',
          );
        }
        const expiresAt = field(body, 'expires_at');
        const mimeType = field(body, 'mime_type');
        const entry: ArtifactEntry = {
          id: 0,
          run,
          name,
          blobName: `artifacts/${run.backendRunId}/${encodeURIComponent(name)}.zip`,
          mimeType: typeof mimeType === 'string' ? mimeType : 'application/zip',
          size: 0,
          createdAt: new Date(0),
          expiresAt: new Date(
            typeof expiresAt === 'string' ? expiresAt : Date.now() + 90 * 86_400_000,
          ),
          expired: false,
          finalized: false,
        };
        artifactEntries.push(entry);
        return { ok: true, signed_upload_url: signedUrl(entry.blobName, 'racw') };
      }
      case 'FinalizeArtifact': {
        const name = requiredString(body, 'name');
        const entry = artifactEntries.find(
          (candidate) => inRun(candidate) && candidate.name === name && !candidate.finalized,
        );
        if (!entry) throw new TwirpError('not_found', 'artifact not found');
        const size = await blobSize(entry.blobName);
        if (size === undefined) throw new TwirpError('failed_precondition', 'blob not uploaded');
        const hash = field(body, 'hash');
        entry.size = size;
        entry.digest = typeof hash === 'string' ? hash : undefined;
        entry.id = nextArtifactId++;
        entry.createdAt = new Date(clockStart + entry.id * 1000);
        entry.finalized = true;
        return { ok: true, artifact_id: String(entry.id) };
      }
      case 'ListArtifacts': {
        const nameFilter = field(body, 'name_filter');
        const idFilter = field(body, 'id_filter');
        const artifacts = artifactEntries
          .filter((entry) => entry.finalized && inRun(entry))
          .filter((entry) => nameFilter === undefined || entry.name === nameFilter)
          .filter((entry) => idFilter === undefined || String(entry.id) === String(idFilter))
          .map(monolithArtifact);
        return { artifacts };
      }
      case 'GetSignedArtifactURL': {
        const name = requiredString(body, 'name');
        const entry = artifactEntries.find(
          (candidate) => candidate.finalized && inRun(candidate) && candidate.name === name,
        );
        if (!entry) throw new TwirpError('not_found', 'artifact not found');
        return { signed_url: signedUrl(entry.blobName, 'r') };
      }
      case 'DeleteArtifact': {
        const name = requiredString(body, 'name');
        const index = artifactEntries.findIndex(
          (candidate) => candidate.finalized && inRun(candidate) && candidate.name === name,
        );
        const entry = artifactEntries[index];
        if (!entry) throw new TwirpError('not_found', 'artifact not found');
        artifactEntries.splice(index, 1);
        await container.getBlobClient(entry.blobName).deleteIfExists();
        return { ok: true, artifact_id: String(entry.id) };
      }
      default:
        throw new TwirpError('bad_route', `no handler for ${ARTIFACT_SERVICE}/${method}`);
    }
  }

  async function handleTwirp(
    request: IncomingMessage,
    path: string,
    text: string,
  ): Promise<{ status: number; body: unknown }> {
    try {
      if (fault?.scope === 'twirp') {
        return {
          status: fault.status,
          body: { code: fault.code ?? 'internal', msg: fault.message },
        };
      }
      const match = /^\/twirp\/([\w.]+)\/(\w+)$/.exec(path);
      if (request.method !== 'POST' || !match) {
        throw new TwirpError('bad_route', `no handler for ${request.method} ${path}`);
      }
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (contentType !== 'application/json') {
        throw new TwirpError('bad_route', `unexpected Content-Type: ${contentType}`);
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new TwirpError('malformed', 'the request body is not JSON');
      }
      const run = runOf(request);
      const [, service, method = ''] = match;
      if (service === CACHE_SERVICE) return { status: 200, body: await cacheMethod(method, body) };
      if (service === ARTIFACT_SERVICE) {
        return { status: 200, body: await artifactMethod(method, run, body) };
      }
      throw new TwirpError('bad_route', `no service ${service}`);
    } catch (error) {
      if (error instanceof TwirpError) {
        return {
          status: TWIRP_STATUS[error.code] ?? 500,
          body: { code: error.code, msg: error.message },
        };
      }
      return { status: 500, body: { code: 'internal', msg: String(error) } };
    }
  }

  // ---- REST ----------------------------------------------------------------------------------

  function restArtifact(entry: ArtifactEntry): Record<string, unknown> {
    const api = `${url}/repos/${owner}/${repo}/actions/artifacts/${entry.id}`;
    return {
      id: entry.id,
      node_id: Buffer.from(`Artifact${entry.id}`).toString('base64'),
      name: entry.name,
      size_in_bytes: entry.size,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: entry.expired,
      created_at: entry.createdAt.toISOString(),
      expires_at: entry.expiresAt.toISOString(),
      updated_at: entry.createdAt.toISOString(),
      digest: entry.digest ?? null,
      workflow_run: {
        id: entry.run.runId,
        repository_id: repositoryId,
        head_repository_id: entry.run.headRepositoryId ?? repositoryId,
        head_branch: entry.run.headBranch,
        head_sha: entry.run.headSha ?? '0'.repeat(40),
      },
    };
  }

  function listing(entries: ArtifactEntry[], query: URLSearchParams): unknown {
    const name = query.get('name');
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const matching = entries
      .filter((entry) => entry.finalized && (name === null || entry.name === name))
      .sort((a, b) => b.id - a.id);
    return {
      total_count: matching.length,
      artifacts: matching.slice((page - 1) * perPage, page * perPage).map(restArtifact),
    };
  }

  function handleRest(
    request: IncomingMessage,
    path: string,
    query: URLSearchParams,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    if (fault?.scope === 'rest') {
      return {
        status: fault.status,
        body: { message: fault.message, status: String(fault.status) },
      };
    }
    const authorization = request.headers.authorization ?? '';
    if (authorization !== `token ${restToken}` && authorization !== `Bearer ${restToken}`) {
      return {
        status: 401,
        body: {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        },
      };
    }
    const notFound = {
      status: 404,
      body: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      },
    };
    const prefix = `/repos/${owner}/${repo}/actions`;
    if (request.method !== 'GET' || !path.startsWith(`${prefix}/`)) return notFound;
    const rest = path.slice(prefix.length);
    if (rest === '/artifacts') return { status: 200, body: listing(artifactEntries, query) };
    const runListing = /^\/runs\/(\d+)\/artifacts$/.exec(rest);
    if (runListing) {
      const runId = Number(runListing[1]);
      const entries = artifactEntries.filter((entry) => entry.run.runId === runId);
      return { status: 200, body: listing(entries, query) };
    }
    const download = /^\/artifacts\/(\d+)\/([^/]+)$/.exec(rest);
    if (download) {
      const entry = artifactEntries.find(
        (candidate) => candidate.finalized && candidate.id === Number(download[1]),
      );
      if (!entry || download[2] !== 'zip') return notFound;
      if (entry.expired) {
        return { status: 410, body: { message: 'Artifact has expired', status: '410' } };
      }
      return { status: 302, headers: { location: signedUrl(entry.blobName, 'r') } };
    }
    return notFound;
  }

  // ---- server --------------------------------------------------------------------------------

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(request.url ?? '/', 'http://127.0.0.1');
    const answer = parsed.pathname.startsWith('/twirp/')
      ? await handleTwirp(request, parsed.pathname, text)
      : handleRest(request, parsed.pathname, parsed.searchParams);
    requests.push({
      method: request.method ?? '',
      path: parsed.pathname,
      query: parsed.searchParams,
      status: answer.status,
      response: answer.body,
    });
    sendJson(response, answer.status, answer.body, 'headers' in answer ? answer.headers : {});
  }

  const server = await serveOnLoopback(handle, (_request, error) => ({
    code: 'internal',
    msg: String(error),
  }));
  const url = server.url;

  return {
    url,
    owner,
    repo,
    repositoryId,
    restToken,
    requests,
    issueRuntimeToken(run) {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const token = [
        encode({ typ: 'JWT', alg: 'RS256' }),
        encode({
          scp: `Actions.ExampleScope Actions.Results:${run.backendRunId}:${run.backendJobId}`,
          iat: now,
          exp: now + 3600,
        }),
        randomBytes(32).toString('base64url'),
      ].join('.');
      runtimeTokens.set(token, run);
      return token;
    },
    cacheKeys: () =>
      cacheEntries
        .filter((entry) => entry.finalized)
        .sort((a, b) => a.sequence - b.sequence)
        .map((entry) => entry.key),
    artifacts: () =>
      artifactEntries
        .filter((entry) => entry.finalized)
        .map((entry) => ({
          id: entry.id,
          name: entry.name,
          runId: entry.run.runId,
          headBranch: entry.run.headBranch,
        })),
    expireArtifact(id) {
      const entry = artifactEntries.find((candidate) => candidate.id === id);
      if (!entry) throw new Error(`no artifact ${id}`);
      entry.expired = true;
    },
    async storedBlobs() {
      const stored = [
        ...cacheEntries
          .filter((entry) => entry.finalized)
          .map((entry) => ({ kind: 'cache' as const, name: entry.key, blobName: entry.blobName })),
        ...artifactEntries
          .filter((entry) => entry.finalized)
          .map((entry) => ({
            kind: 'artifact' as const,
            name: entry.name,
            blobName: entry.blobName,
          })),
      ];
      return Promise.all(
        stored.map(async ({ kind, name, blobName }) => ({
          kind,
          name,
          data: await container.getBlobClient(blobName).downloadToBuffer(),
        })),
      );
    },
    setFault(next) {
      fault = next;
    },
    close: server.close,
  };
}
