// A real container engine for tests: podman (Debian's package; .ci/run installs it) serving the
// Docker Engine API on a unix socket of its own (`podman system service`), with its storage, run
// state and image in a temporary folder so nothing of the machine's own podman is touched. No
// image can be pulled here, so the one image is built from local files: a root filesystem holding
// only Debian's statically linked busybox, imported with `podman import`. Containers get no
// network (`--network none`): nothing is set up on the host's network.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './run-process.ts';

/** The statically linked busybox of Debian's busybox-static package. */
export const STATIC_BUSYBOX = '/bin/busybox';

function isStaticBusybox(): boolean {
  if (!existsSync(STATIC_BUSYBOX)) return false;
  // A dynamic binary names its loader; a static one runs in an empty root filesystem.
  const file = spawnSync('ldd', [STATIC_BUSYBOX], { encoding: 'utf8' });
  return /not a dynamic executable|statically linked/.test(`${file.stdout}${file.stderr}`);
}

/** True when podman and a static busybox are on this machine. */
export const HAS_PODMAN =
  spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0 && isStaticBusybox();

/** Set by .ci/run, which installs podman: there the tests run (and fail without it) rather than skip. */
export const REQUIRE_PODMAN = process.env.PERF_ACTION_REQUIRE_PODMAN === '1';

/** Whether the podman tests run here. */
export const RUN_PODMAN_TESTS = HAS_PODMAN || REQUIRE_PODMAN;

/** The image the helper builds. */
export const BUSYBOX_IMAGE = 'localhost/perf-action-busybox:test';

export interface Podman {
  /** The Docker-compatible API socket. */
  socketPath: string;
  /** Runs `podman ARGS` against this instance's storage; rejects on a non-zero exit. */
  podman(args: string[]): Promise<string>;
  /**
   * Starts a detached container of the busybox image running `script` under `sh -c`, with no
   * network; returns its id.
   */
  runContainer(name: string, script: string): Promise<string>;
  /** Removes every container, stops the API service and deletes the folder. */
  close(): Promise<void>;
}

/**
 * The OCI runtime: Debian's runc where installed. crun (podman's default) refuses hosts that
 * mount cgroup v1 controllers beside a cgroup v2 tree ("cgroups in hybrid mode not supported").
 */
function runtimeArgs(): string[] {
  return spawnSync('runc', ['--version'], { stdio: 'ignore' }).status === 0
    ? ['--runtime', 'runc']
    : [];
}

/** Starts the engine's API service and builds the busybox image. */
export async function startPodman(): Promise<Podman> {
  const dir = await mkdtemp(join(tmpdir(), 'perf-action-podman-'));
  const base = [
    '--root',
    join(dir, 'root'),
    '--runroot',
    join(dir, 'run'),
    '--tmpdir',
    join(dir, 'tmp'),
    // vfs: plain copies, nothing mounted; overlay needs more than some sandboxes allow.
    '--storage-driver',
    'vfs',
    ...runtimeArgs(),
  ];
  const podman = async (args: string[]): Promise<string> => {
    const run = await runProcess('podman', [...base, ...args]);
    if (run.code !== 0) {
      throw new Error(`podman ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
    }
    return run.stdout.trim();
  };

  let service: ChildProcess | undefined;
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await copyFile(STATIC_BUSYBOX, join(rootfs, 'bin', 'busybox'));
    await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
    for (const applet of ['sh', 'dd', 'sleep', 'cat']) {
      await symlink('busybox', join(rootfs, 'bin', applet));
    }
    const tarball = join(dir, 'rootfs.tar');
    const tar = spawnSync('tar', ['-C', rootfs, '-cf', tarball, '.'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    await podman(['import', tarball, BUSYBOX_IMAGE]);

    const socketPath = join(dir, 'podman.sock');
    service = spawn(
      'podman',
      [...base, 'system', 'service', '--time', '0', `unix://${socketPath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let serviceErrors = '';
    service.stderr?.on('data', (d) => {
      serviceErrors += d;
    });
    const started = performance.now();
    while (!existsSync(socketPath)) {
      if (service.exitCode !== null) {
        throw new Error(`podman system service exited ${service.exitCode}: ${serviceErrors}`);
      }
      if (performance.now() - started > 20_000) throw new Error('podman system service: no socket');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const running = service;
    return {
      socketPath,
      podman,
      runContainer: (name, script) =>
        podman([
          'run',
          '--detach',
          '--name',
          name,
          '--network',
          'none',
          // Limits the engine would otherwise raise above what an unprivileged sandbox allows.
          '--ulimit',
          'nofile=1024:1024',
          '--ulimit',
          'nproc=1024:1024',
          BUSYBOX_IMAGE,
          'sh',
          '-c',
          script,
        ]),
      async close() {
        await podman(['rm', '--all', '--force', '--time', '0']).catch(() => '');
        running.kill('SIGTERM');
        await new Promise((resolve) => {
          if (running.exitCode !== null) resolve(undefined);
          else running.once('close', resolve);
        });
        await removeStorage(dir);
      },
    };
  } catch (error) {
    service?.kill('SIGKILL');
    await podman(['rm', '--all', '--force', '--time', '0']).catch(() => '');
    await removeStorage(dir);
    throw error;
  }
}

/**
 * Removes the engine's folder. Its helpers (conmon, the stopped service's children) may still write
 * to its tmp while they exit: a folder found not empty is tried again (fs.rm's retries).
 */
function removeStorage(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
