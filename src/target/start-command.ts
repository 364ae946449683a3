// Start the service under test with a shell command (`target.start`) and stop it afterwards.
//
// The command runs in its own process group (detached), so that stopping it also stops whatever
// it started (`npm start` -> node, `sh -c` -> server). Its output goes straight to a log file
// through a file descriptor: it never mixes with our stdout and needs no reading on our side (a
// pipe we read would let a busy load generator slow the service down). That file is unredacted:
// the pipeline passes a private one and publishes it through the redaction when the service stops
// (see ServiceLog in src/output/outlet.ts).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, TargetError } from '../errors.ts';

/** How to start the service. */
export interface StartCommandOptions {
  /** shell command line (run by `/bin/sh -c`, or `cmd.exe` on Windows) */
  command: string;
  /** working directory (default: ours) */
  cwd?: string;
  /** variables merged over our environment; `undefined` removes an inherited one */
  env?: Record<string, string | undefined>;
  /** file that receives stdout and stderr, appended to; parent folders are created */
  logFile: string;
}

/** How the command's process ended. */
export interface ExitStatus {
  /** exit code, or `null` when a signal ended it */
  code: number | null;
  /** the signal that ended it (`SIGTERM`, `SIGKILL`), or `null` */
  signal: string | null;
}

/** A started command. */
export interface StartedProcess {
  /** pid of the shell, also the id of its process group */
  pid: number;
  /** where its stdout and stderr go */
  logFile: string;
  /** how the command's own process ended, or `undefined` while it runs */
  exited(): ExitStatus | undefined;
  /**
   * Stop the whole process group: SIGTERM, up to `graceMs` milliseconds (default 5000) for it
   * to go, then SIGKILL. Idempotent (later calls return the first call's promise), and safe when
   * the process has already exited.
   */
  stop(graceMs?: number): Promise<void>;
}

const isWindows = process.platform === 'win32';
/** How often `stop` looks whether the group is gone, in milliseconds. */
const pollMs = 25;
/** How long `stop` waits for the group to vanish after SIGKILL, in milliseconds. */
const afterKillMs = 2000;

/**
 * Start `command` through the shell, in its own process group, with stdout and stderr appended
 * to `logFile`. Resolves once the process exists (not when it is ready: see `waitForHealth`).
 * Until `stop()` is called, the group is SIGKILLed if our process exits or is ended by SIGINT or
 * SIGTERM, so that no service outlives a crashed or cancelled run. Throws a `TargetError` when
 * the working directory or log file is unusable or the shell cannot be spawned; the message
 * never repeats the command line (it may hold interpolated secrets).
 */
export async function startCommand(options: StartCommandOptions): Promise<StartedProcess> {
  const { command, cwd, logFile } = options;
  if (command.trim() === '') throw new TargetError('target.start is an empty command');
  if (cwd !== undefined) await checkDirectory(cwd);

  let log: Awaited<ReturnType<typeof open>>;
  try {
    await mkdir(dirname(logFile), { recursive: true });
    log = await open(logFile, 'a');
  } catch (error) {
    throw new TargetError(
      `target.start: cannot open log file '${logFile}': ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }

  let child: ChildProcess;
  let status: ExitStatus | undefined;
  try {
    child = spawn(command, {
      shell: true,
      detached: !isWindows,
      cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log.fd, log.fd],
      windowsHide: true,
    });
    child.once('exit', (code, signal) => {
      status = { code, signal };
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (error) {
    throw new TargetError(`target.start could not be spawned: ${describeError(error)}`, {
      cause: error,
    });
  } finally {
    // The child holds its own copies of the descriptor.
    await log.close();
  }
  // Later 'error' events (a failed kill) must not crash us; stop() checks the group itself.
  child.on('error', () => undefined);
  // A forgotten stop() must not keep our process alive: the exit handler below still kills it.
  child.unref();

  const pid = child.pid as number;
  const exitHandler = (): void => signalGroup(pid, 'SIGKILL');
  const signalHandler = (signal: NodeJS.Signals): void => {
    signalGroup(pid, 'SIGKILL');
    removeSafetyNet();
    // Ours was the only handler: re-raise so that the default action (exit) still happens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeSafetyNet = (): void => {
    process.removeListener('exit', exitHandler);
    process.removeListener('SIGINT', signalHandler);
    process.removeListener('SIGTERM', signalHandler);
  };
  process.once('exit', exitHandler);
  process.once('SIGINT', signalHandler);
  process.once('SIGTERM', signalHandler);

  const isAlive = (): boolean => (isWindows ? status === undefined : isGroupAlive(pid));
  const waitUntilGone = async (ms: number): Promise<boolean> => {
    const until = performance.now() + ms;
    while (isAlive()) {
      if (performance.now() >= until) return false;
      await sleep(pollMs);
    }
    return true;
  };
  const waitForExitEvent = async (ms: number): Promise<void> => {
    const until = performance.now() + ms;
    while (status === undefined && performance.now() < until) await sleep(pollMs);
  };

  let stopping: Promise<void> | undefined;
  const stopOnce = async (graceMs: number): Promise<void> => {
    removeSafetyNet();
    if (isAlive()) {
      signalGroup(pid, 'SIGTERM');
      if (!(await waitUntilGone(graceMs))) {
        signalGroup(pid, 'SIGKILL');
        await waitUntilGone(afterKillMs);
      }
    }
    // The leader is gone; Node reports its exit on the next SIGCHLD turn.
    await waitForExitEvent(afterKillMs);
  };

  return {
    pid,
    logFile,
    exited: () => (status === undefined ? undefined : { ...status }),
    stop: (graceMs = 5000) => {
      stopping ??= stopOnce(graceMs);
      return stopping;
    },
  };
}

/**
 * The reason to stop waiting for health when the started command ended with a failure (a
 * non-zero code or a signal), for `waitForHealth({ isAlive })`; `undefined` while it runs. An
 * exit with code 0 is not a failure: commands such as `docker compose up -d` return at once and
 * leave the service running elsewhere. `logShownAs` is the log people are pointed to (default:
 * the file the command writes to).
 */
export function describeEarlyExit(
  started: StartedProcess,
  logShownAs: string = started.logFile,
): string | undefined {
  const status = started.exited();
  if (status === undefined || status.code === 0) return undefined;
  const how =
    status.signal !== null ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
  return `target.start ${how} before becoming healthy; see ${logShownAs}`;
}

async function checkDirectory(cwd: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(cwd)).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory)
    throw new TargetError(`target.start: working directory '${cwd}' does not exist`);
}

/** Signal every process of the group; a group already gone is fine. */
function signalGroup(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void {
  if (isWindows) {
    // No process groups on Windows: taskkill /T walks the tree instead.
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], {
      stdio: 'ignore',
      windowsHide: true,
    });
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

/**
 * Whether the group still has a running member. `kill(-pgid, 0)` also counts zombies, and in a
 * container whose init does not reap them an orphaned grandchild stays a zombie for a while, so
 * on Linux the members are looked up in /proc and zombies ignored.
 */
function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  const group = String(pgid);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    // `pid (comm) state ppid pgrp …`; comm may contain spaces and parentheses.
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    if (fields[2] === group && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
