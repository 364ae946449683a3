// Starting and stopping the sample service in-process. Free of side effects at import, so the
// perf-action CLI and tests can bundle or import it without running the command-line entry.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './app.ts';
import { createRepository, createUser, openDatabase, seedDemoData } from './db.ts';
import type { VideoHooks } from './video-jobs.ts';
import { startVideoService, type VideoService } from './videos.ts';

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** SQLite database file, or `':memory:'` (the default) for a private in-memory database. */
  dbPath?: string;
  /** Fixed delay added to every `/api/*` and `/auth/*` response, in milliseconds (default 0). */
  delayMs?: number;
  /** CPU time burnt on every `/api/*` and `/auth/*` request, in milliseconds (default 0). */
  cpuMs?: number;
  /**
   * Every request slower by this share of its handling time, as extra CPU work (default 0; 0.25 =
   * 25 % slower; see AppOptions.slowdown in app.ts).
   */
  slowdown?: number;
  /** Largest accepted request body, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Extra users to create besides the demo user (skipped when the email already exists). */
  users?: { email: string; password: string }[];
  /** Worker threads processing uploaded videos (default 2). */
  videoWorkers?: number;
  /** Largest video upload, in bytes (default 512 MiB). */
  videoMaxBytes?: number;
  /** Analyse every n-th frame of a video, or `auto` (the default: about 15 frames/s of 640x360). */
  videoFrameStep?: number | 'auto';
  /** Upload names that make processing fail, stall or kill its worker (test hooks). */
  videoHooks?: Partial<VideoHooks>;
  /** Folder holding the service's private upload folder (default the OS temp folder). */
  videoTempDir?: string;
}

/** A running service. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The port actually bound. */
  port: number;
  /** Stops accepting connections, waits for in-flight requests, then closes the database. */
  close(): Promise<void>;
}

/** Idle keep-alive connections are kept longer than typical client and proxy timeouts (60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** In-flight requests get this long to finish on close before their connections are cut. */
const CLOSE_GRACE_MS = 5_000;

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Opens the database (migrated and seeded with the demo user `test@example.com` / `password`),
 * and serves the AI Model Validation Platform API on `host:port`.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`delayMs must be a non-negative number of milliseconds, got ${delayMs}`);
  }
  const cpuMs = options.cpuMs ?? 0;
  if (!Number.isFinite(cpuMs) || cpuMs < 0) {
    throw new RangeError(`cpuMs must be a non-negative number of milliseconds, got ${cpuMs}`);
  }
  const slowdown = options.slowdown ?? 0;
  if (!Number.isFinite(slowdown) || slowdown < 0) {
    throw new RangeError(`slowdown must be a non-negative share, got ${slowdown}`);
  }
  const db = openDatabase(options.dbPath ?? ':memory:');
  let server: Server;
  let port: number;
  let videos: VideoService | undefined;
  try {
    seedDemoData(db);
    for (const user of options.users ?? []) {
      if (db.prepare('SELECT 1 FROM users WHERE email = ?').get(user.email) === undefined) {
        createUser(db, user.email, user.password);
      }
    }
    videos = await startVideoService(db, {
      workers: options.videoWorkers,
      maxBytes: options.videoMaxBytes,
      frameStep: options.videoFrameStep,
      hooks: {
        failNames: options.videoHooks?.failNames ?? [],
        stallNames: options.videoHooks?.stallNames ?? [],
        crashNames: options.videoHooks?.crashNames ?? [],
      },
      tempDir: options.videoTempDir,
    });
    server = createServer(
      createRequestHandler({
        routes: videos.routes,
        repository: createRepository(db),
        delayMs,
        cpuMs,
        slowdown,
        maxBodyBytes: options.maxBodyBytes,
      }),
    );
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    // Must exceed keepAliveTimeout, or a reused connection can be cut while headers arrive.
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    port = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await videos?.close();
    db.close();
    throw error;
  }
  const videoService = videos;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      cutOff.unref();
      server.close((error) => {
        clearTimeout(cutOff);
        // The pool records its last failures before the database goes.
        videoService.close().then(() => {
          try {
            db.close();
          } catch (dbError) {
            reject(dbError);
            return;
          }
          if (error) reject(error);
          else resolve();
        }, reject);
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { url: `http://${formatHost(host)}:${port}`, port, close };
}
