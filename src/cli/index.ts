#!/usr/bin/env node
// The perf-action program, bundled to dist/cli.js: main.ts only exports main, so tests run it
// in-process with an outlet of their own; here it gets the guarded one and sets the exit code.
import { createCliOutlet } from './cli-outlet.ts';
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2), createCliOutlet());
