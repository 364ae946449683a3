import { describe, expect, it } from 'vitest';
import { inertCommands } from '../../../src/action/action-outlet.ts';

// A service's text quoted in a progress line must not become a workflow command.
describe('inertCommands', () => {
  it.each([
    ['::set-output name=verdict::pass', ':\u200b:set-output name=verdict::pass'],
    ['  ::add-mask::x', '  :\u200b:add-mask::x'],
    ['##[set-env name=A;]b', '#\u200b#[set-env name=A;]b'],
    ['seed.command: ok\n::stop-commands::t', 'seed.command: ok\n:\u200b:stop-commands::t'],
    ['a line with :: inside', 'a line with :: inside'],
    ['plain', 'plain'],
  ])('%j -> %j', (line, expected) => {
    expect(inertCommands(line)).toBe(expected);
  });
});
