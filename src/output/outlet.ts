// The one way text leaves perf-action. An entry point (CLI, action) builds one Outlet from its raw
// writers and one Redactor; everything else (the pipeline, the suites, the stores) gets the
// Outlet's bound writers and never the raw ones, so every line, file and report passes the same
// redaction, with every secret known at the time it is written.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { Redactor, SHORTEST_HIDDEN, SHORTEST_HIDDEN_ANYWHERE } from './redactor.ts';

/** The raw writers of one entry point. Only {@link createOutlet} calls them. */
export interface OutletSinks {
  /** A progress line for people (CLI: stderr; action: the job log). */
  info(line: string): void;
  /** A degraded path: the run goes on (CLI: `warning:` on stderr; action: a warning annotation). */
  warn(line: string): void;
  /** The line that ends the run as failed (CLI: stderr; action: `setFailed`). */
  fail(line: string): void;
  /** Text for stdout (the CLI's report and headline). */
  print(text: string): void;
  /** Tells the runner about a secret so that its own log masks it too (action: `::add-mask::`). */
  mask?(secret: string): void;
}

/** A service's output: written privately while it runs, published redacted when it stops. */
export interface ServiceLog {
  /** The redacted log people read and the action uploads, e.g. `perf-results/service.log`. */
  readonly path: string;
  /**
   * Creates the private file the service writes to while it runs (mode 0600, in a temp folder of
   * its own, never in the results) and answers its path.
   */
  open(): Promise<string>;
  /**
   * Appends the private file's text to {@link path} through the redaction, with every secret known
   * by then (the login token too), and removes the private file. Later calls do nothing.
   */
  publish(): Promise<void>;
}

/** Bound writers: every text is redacted with the secrets known when it is written. */
export interface Outlet {
  /**
   * Adds a secret; from now on no output shows it. `origin` names where it came from (`a
   * ${env:} value`, `the login token`) in the warning about a secret too short to hide whole.
   */
  protect(secret: string, origin: string): void;
  info(line: string): void;
  warn(line: string): void;
  fail(line: string): void;
  print(text: string): void;
  /** Writes a text file (parent folders are created). */
  writeFile(path: string, text: string): Promise<void>;
  /** The service log at `path` (see {@link ServiceLog}). */
  serviceLog(path: string): ServiceLog;
  /** A copy of `value` with every string in it redacted (text, results, histories). */
  redact<T>(value: T): T;
}

/** Builds the outlet of an entry point over its raw writers. */
export function createOutlet(sinks: OutletSinks, redactor: Redactor = new Redactor()): Outlet {
  const text = (value: string) => redactor.redact(value);
  const warned = new Set<string>();
  const outlet: Outlet = {
    protect(secret, origin) {
      if (secret === '' || redactor.has(secret)) return;
      const protection = redactor.add(secret);
      // Asking the runner to mask a 2-character value would blank its whole log as well.
      if (protection !== 'none') sinks.mask?.(secret);
      const why =
        protection === 'none'
          ? `${origin} is shorter than ${SHORTEST_HIDDEN} characters: it is not hidden in the output`
          : protection === 'standalone'
            ? `${origin} is shorter than ${SHORTEST_HIDDEN_ANYWHERE} characters: it is hidden only where it stands alone, not inside a longer word or number`
            : undefined;
      if (why && !warned.has(why)) {
        warned.add(why);
        sinks.warn(why);
      }
    },
    info: (line) => sinks.info(text(line)),
    warn: (line) => sinks.warn(text(line)),
    fail: (line) => sinks.fail(text(line)),
    print: (value) => sinks.print(text(value)),
    async writeFile(path, value) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text(value));
    },
    serviceLog: (path) => createServiceLog(path, redactor),
    redact: (value) => redactor.redactDeep(value),
  };
  return outlet;
}

function createServiceLog(path: string, redactor: Redactor): ServiceLog {
  let folder: string | undefined;
  let published: Promise<void> | undefined;
  const publish = async () => {
    if (folder === undefined) return;
    const raw = join(folder, 'service.log');
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(
        createReadStream(raw),
        redactingStream(redactor),
        createWriteStream(path, { flags: 'a' }),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };
  return {
    path,
    async open() {
      if (folder === undefined) {
        const parent = process.env.RUNNER_TEMP || tmpdir();
        await mkdir(parent, { recursive: true });
        folder = await mkdtemp(join(parent, 'perf-action-service-'));
      }
      const raw = join(folder, 'service.log');
      await writeFile(raw, '', { mode: 0o600, flag: 'a' });
      return raw;
    },
    publish: () => {
      published ??= publish();
      return published;
    },
  };
}

/** Text through the redactor, chunk by chunk; a multi-byte character split across chunks is kept. */
function redactingStream(redactor: Redactor): Transform {
  const decoder = new StringDecoder('utf8');
  const stream = redactor.streaming();
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, stream.write(decoder.write(chunk)));
    },
    flush(done) {
      done(null, stream.write(decoder.end()) + stream.end());
    },
  });
}
