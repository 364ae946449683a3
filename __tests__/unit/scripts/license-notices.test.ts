import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledPackages, renderNotices } from '../../../scripts/license-notices.ts';

let root: string;

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

const manifest = (fields: Record<string, unknown>) => JSON.stringify(fields);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'perf-action-notices-'));
  await put(
    'node_modules/alpha/package.json',
    manifest({ name: 'alpha', version: '1.0.0', license: 'MIT' }),
  );
  await put('node_modules/alpha/LICENSE', '\uFEFFMIT License\r\n\r\nCopyright (c) Alpha   \r\n');
  await put('node_modules/alpha/NOTICE.md', 'Alpha notice\n');
  // A folder named like a licence file is not one.
  await put('node_modules/alpha/licenses/other.txt', 'not read');
  await put('node_modules/alpha/lib/package.json', manifest({ type: 'module' }));
  // A nested copy of another version, and a scoped package.
  await put(
    'node_modules/alpha/node_modules/beta/package.json',
    manifest({ name: 'beta', version: '0.1.0', license: { type: 'ISC' } }),
  );
  await put('node_modules/alpha/node_modules/beta/licence.txt', 'ISC beta 0.1');
  await put(
    'node_modules/beta/package.json',
    manifest({ name: 'beta', version: '2.0.0', license: 'ISC' }),
  );
  await put('node_modules/beta/LICENSE', 'ISC beta 2');
  await put(
    'node_modules/@scope/gamma/package.json',
    manifest({
      name: '@scope/gamma',
      version: '3.0.0',
      license: 'Apache-2.0',
      author: { name: 'G', email: 'g@example.com' },
    }),
  );
  // No licence file: the README's section is used; without one, the declaration alone.
  await put(
    'node_modules/delta/package.json',
    manifest({ name: 'delta', version: '4.0.0', license: 'MIT' }),
  );
  await put(
    'node_modules/delta/README.markdown',
    'delta\n=====\n\nusage\n\nlicense\n=======\n\nMIT\n\nthanks\n------\nall\n',
  );
  await put(
    'node_modules/epsilon/package.json',
    manifest({ name: 'epsilon', version: '5.0.0', author: 'E' }),
  );
  await put(
    'node_modules/epsilon/README.md',
    '# epsilon\n\n## License\n\nMIT, Copyright E\n\n## Other\n\nx\n',
  );
  await put(
    'node_modules/zeta/package.json',
    manifest({ name: 'zeta', version: '6.0.0', author: 'Z <z@example.com>' }),
  );
  await put(
    'node_modules/unused/package.json',
    manifest({ name: 'unused', version: '9.9.9', license: 'GPL-3.0' }),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const bytes = (n: number) => ({ bytesInOutput: n });
const METAFILE = {
  inputs: {},
  outputs: {
    'dist/index.js': {
      bytes: 1,
      imports: [],
      exports: [],
      inputs: {
        'src/action/index.ts': bytes(10),
        'node_modules/alpha/lib/a.js': bytes(10),
        'node_modules/alpha/node_modules/beta/b.js': bytes(5),
        'node_modules/@scope/gamma/dist/g.js': bytes(7),
        // Tree-shaken away entirely: nothing of it is in the output.
        'node_modules/unused/index.js': bytes(0),
      },
    },
    'dist/cli.js': {
      bytes: 1,
      imports: [],
      exports: [],
      inputs: {
        'node_modules/alpha/lib/b.js': bytes(3),
        'node_modules/beta/index.js': bytes(3),
        'node_modules/delta/index.js': bytes(3),
        'node_modules/epsilon/index.js': bytes(3),
        'node_modules/zeta/index.js': bytes(3),
      },
    },
  },
} as unknown as Metafile;

describe('bundledPackages', () => {
  it('lists each package with code in the outputs, innermost folder, sorted, with its texts', () => {
    const packages = bundledPackages(METAFILE, root);
    expect(packages.map((p) => [p.name, p.version, p.license, p.dir, p.outputs])).toEqual([
      ['@scope/gamma', '3.0.0', 'Apache-2.0', 'node_modules/@scope/gamma', ['index.js']],
      ['alpha', '1.0.0', 'MIT', 'node_modules/alpha', ['cli.js', 'index.js']],
      ['beta', '0.1.0', 'ISC', 'node_modules/alpha/node_modules/beta', ['index.js']],
      ['beta', '2.0.0', 'ISC', 'node_modules/beta', ['cli.js']],
      ['delta', '4.0.0', 'MIT', 'node_modules/delta', ['cli.js']],
      ['epsilon', '5.0.0', 'UNKNOWN', 'node_modules/epsilon', ['cli.js']],
      ['zeta', '6.0.0', 'UNKNOWN', 'node_modules/zeta', ['cli.js']],
    ]);
    const [gamma, alpha, , , delta, epsilon, zeta] = packages;
    // Every licence, copying and notice file, normalised (BOM, CRLF, trailing spaces).
    expect(alpha?.texts).toEqual([
      { source: 'LICENSE', text: 'MIT License\n\nCopyright (c) Alpha' },
      { source: 'NOTICE.md', text: 'Alpha notice' },
    ]);
    expect(delta?.texts).toEqual([
      { source: 'README.markdown, licence section', text: 'license\n=======\n\nMIT' },
    ]);
    expect(epsilon?.texts).toEqual([
      { source: 'README.md, licence section', text: '## License\n\nMIT, Copyright E' },
    ]);
    expect(gamma).toMatchObject({ texts: [], author: 'G <g@example.com>' });
    expect(zeta).toMatchObject({ texts: [], author: 'Z <z@example.com>' });
  });

  it('renders one section per package, saying so where no licence text ships', () => {
    const text = renderNotices(bundledPackages(METAFILE, root), ['index.js', 'cli.js']);
    expect(text).toContain(
      "Third-party software bundled in perf-action's dist/ (index.js, cli.js).",
    );
    expect(text).toContain('7 packages:\n  @scope/gamma 3.0.0 (Apache-2.0)\n  alpha 1.0.0 (MIT)\n');
    expect(text).toContain(
      `${'='.repeat(80)}\nalpha 1.0.0 (MIT), in cli.js, index.js\n${'-'.repeat(80)}\n[LICENSE]\n\nMIT License\n\nCopyright (c) Alpha\n${'-'.repeat(80)}\n[NOTICE.md]\n\nAlpha notice\n`,
    );
    expect(text).toContain(
      'No licence text ships with this package; its package.json declares Apache-2.0.\nAuthor: G <g@example.com>\n',
    );
    expect(text).toContain(
      'No licence text ships with this package; its package.json names no licence.\nAuthor: Z <z@example.com>\n',
    );
    expect(text).not.toContain('unused');
    expect(text).not.toContain('GPL');
    expect(text.endsWith('\n')).toBe(true);
  });
});
