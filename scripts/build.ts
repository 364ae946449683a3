// Bundles the two entry points into dist/. Usage: node scripts/build.ts [outdir]
// The output must be byte-for-byte reproducible: scripts/check-dist.ts compares a fresh build with dist/.
import { build } from 'esbuild';

/** Builds dist/index.js (the action) and dist/cli.js (the CLI) into `outdir`. */
export async function buildDist(outdir: string): Promise<void> {
  await build({
    entryPoints: { index: 'src/action/main.ts', cli: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    splitting: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies (undici, busboy, @actions/*) call require(); ESM output has none unless
    // we make one.
    banner: {
      js: "import { createRequire as __perfActionCreateRequire } from 'node:module'; const require = __perfActionCreateRequire(import.meta.url);",
    },
  });
}

if (import.meta.main) {
  await buildDist(process.argv[2] ?? 'dist');
}
