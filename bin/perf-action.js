#!/usr/bin/env node
// The `perf-action` command of an installed package. The CLI (dist/cli.js) needs the Node.js that
// package.json's `engines` names; on an older one this file, plain JavaScript that such a Node
// still parses, says so in one line (exit code 2) rather than failing halfway through a run.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = /(\d+)/.exec(manifest.engines?.node ?? '');
const minimum = wanted ? Number(wanted[1]) : 0;
if (Number(process.versions.node.split('.')[0]) < minimum) {
  process.stderr.write(
    `perf-action: needs Node.js ${minimum} or newer, but ${process.execPath} is ${process.version}; ` +
      `put Node.js ${minimum} first on PATH, or run: <node ${minimum}> ${process.argv[1]} ...\n`,
  );
  process.exit(2);
}
await import('../dist/cli.js');
