// Makes the target ready for load: start its command (if any), wait for health, log in once.
import type { CoreConfig } from '../config/schema.ts';
import type { ServiceLog } from '../output/outlet.ts';
import { login } from './login.ts';
import { describeEarlyExit, type StartedProcess, startCommand } from './start-command.ts';
import { waitForHealth } from './wait-for-health.ts';

export interface PreparedTarget {
  /** Headers every request carries (the login's), or none. */
  authHeaders: Record<string, string>;
  /** The token and header value: never to be printed or written. */
  secrets: string[];
  /** The started command's process id, for resource monitoring. */
  pid?: number;
  /** Where the started command's output goes (redacted, once it stopped). */
  logFile?: string;
  /** Stops what was started; safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts (optionally), waits for and logs in to the target; on failure stops what it started. */
export async function prepareTarget(options: {
  config: CoreConfig;
  env: Record<string, string | undefined>;
  /** Receives the started command's output; published when the command stops. */
  serviceLog: ServiceLog;
  log: (line: string) => void;
  /** What the lines call the service: `target`, or `base` for the base of a same-job comparison. */
  role?: 'target' | 'base';
}): Promise<PreparedTarget> {
  const { config, log, serviceLog } = options;
  const role = options.role ?? 'target';
  let started: StartedProcess | undefined;
  const stop = async () => {
    try {
      await started?.stop();
    } finally {
      if (config.target.start) await serviceLog.publish();
    }
  };
  if (config.target.start) {
    log(`starting ${role}: ${config.target.start} (output in ${serviceLog.path} when it stops)`);
    try {
      started = await startCommand({
        command: config.target.start,
        env: options.env,
        logFile: await serviceLog.open(),
      });
    } catch (error) {
      await stop();
      throw error;
    }
  }
  try {
    const health = config.target.health ?? '';
    const ready = await waitForHealth({
      url: config.target.url,
      ...(config.target.health ? { health: config.target.health } : {}),
      timeoutMs: config.target.waitMs,
      ...(started ? { isAlive: () => describeEarlyExit(started, serviceLog.path) } : {}),
    });
    log(
      `${role} ${config.target.url}${health} healthy after ${(ready.elapsedMs / 1000).toFixed(1)} s`,
    );
    let authHeaders: Record<string, string> = {};
    let secrets: string[] = [];
    if (config.auth) {
      ({ headers: authHeaders, secrets } = await login({
        baseUrl: config.target.url,
        request: config.auth.login,
        token: config.auth.token,
        header: config.auth.header,
        format: config.auth.format,
      }));
      log(
        `logged in${role === 'base' ? ' to the base' : ''}: ${config.auth.login.method} ${config.auth.login.path}`,
      );
    }
    return {
      authHeaders,
      secrets,
      ...(started ? { pid: started.pid, logFile: serviceLog.path } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
