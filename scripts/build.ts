// Bundles the entry points into dist/, with the third-party notices of what was bundled.
// Usage: node scripts/build.ts [outdir]
// The output must be byte-for-byte reproducible: scripts/check-dist.ts compares a fresh build with dist/.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundledPackages, renderNotices } from './license-notices.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The bundles, by output name: the action (action.yml runs dist/index.js), the CLI (the package's
 * bin), and the sample service the CLI's `demo` starts, with its video worker thread. An installed
 * package lives under node_modules, where Node will not strip TypeScript types, so the demo runs
 * the service from these bundles rather than from examples/.
 */
export const ENTRY_POINTS = {
  index: 'src/action/index.ts',
  cli: 'src/cli/index.ts',
  'sample-service': 'examples/validation-platform/server.ts',
  'sample-service-worker': 'examples/validation-platform/video-worker.ts',
} as const;

/** The notices file written beside the bundles. */
export const NOTICES_FILE = 'licenses.txt';

/** Builds every bundle and `licenses.txt` into `outdir` (relative to the repository root). */
export async function buildDist(outdir: string): Promise<void> {
  const out = resolve(ROOT, outdir);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    splitting: false,
    sourcemap: false,
    // Licence texts go whole into licenses.txt (from the metafile), not as scattered comments.
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies (undici, busboy, @actions/*) call require(); ESM output has none unless
    // we make one.
    banner: {
      js: "import { createRequire as __perfActionCreateRequire } from 'node:module'; const require = __perfActionCreateRequire(import.meta.url);",
    },
  });
  const outputs = Object.keys(ENTRY_POINTS).map((name) => `${name}.js`);
  const notices = renderNotices(bundledPackages(result.metafile, ROOT), outputs);
  await writeFile(join(out, NOTICES_FILE), notices);
}

if (import.meta.main) {
  await buildDist(process.argv[2] ?? 'dist');
}
