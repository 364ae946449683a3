// Fails when dist/ is not what `npm run build` makes from the current sources.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist } from './build.ts';

const fresh = await mkdtemp(join(tmpdir(), 'perf-action-dist-'));
try {
  await buildDist(fresh);
  const expected = (await readdir(fresh)).sort();
  const actual = (await readdir('dist').catch(() => [] as string[])).sort();
  const problems: string[] = [];
  for (const name of new Set([...expected, ...actual])) {
    if (!expected.includes(name)) problems.push(`dist/${name} is not produced by the build`);
    else if (!actual.includes(name)) problems.push(`dist/${name} is missing`);
    else {
      const [a, b] = await Promise.all([readFile(join(fresh, name)), readFile(join('dist', name))]);
      if (!a.equals(b)) problems.push(`dist/${name} differs from a fresh build`);
    }
  }
  if (problems.length > 0) {
    console.error(
      `dist/ is stale: ${problems.join('; ')}. Run \`npm run build\` and commit dist/.`,
    );
    process.exitCode = 1;
  } else {
    console.log(`dist/ is fresh (${expected.length} files).`);
  }
} finally {
  await rm(fresh, { recursive: true, force: true });
}
