// The example workflows users copy stay in step with this repository: the same major of each
// action as its own workflows use (Dependabot updates those), and perf-action's inputs as
// action.yml declares them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../helpers/run-cli.ts';

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

async function steps(dir: string): Promise<{ file: string; step: Step }[]> {
  const found: { file: string; step: Step }[] = [];
  for (const name of (await readdir(join(ROOT, dir))).filter((n) => n.endsWith('.yml'))) {
    const workflow = parse(await readFile(join(ROOT, dir, name), 'utf8')) as {
      jobs: Record<string, { steps?: Step[] }>;
    };
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps ?? []) found.push({ file: `${dir}/${name}`, step });
    }
  }
  return found;
}

/** `actions/checkout@v7` -> ['actions/checkout', 'v7']; local actions (`./`) are left out. */
function action(uses: string | undefined): [string, string] | undefined {
  const match = /^([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@(v\d+)$/.exec(uses ?? '');
  return match ? [match[1] as string, match[2] as string] : undefined;
}

describe('examples/workflows', () => {
  it("use each action at the major this repository's workflows use", async () => {
    const ours = new Map<string, string>();
    for (const { step } of await steps('.github/workflows')) {
      const found = action(step.uses);
      if (found) ours.set(found[0], found[1]);
    }
    expect(ours.get('actions/checkout')).toBeDefined();
    const mismatches: string[] = [];
    for (const { file, step } of await steps('examples/workflows')) {
      const found = action(step.uses);
      const major = found && ours.get(found[0]);
      if (found && major && major !== found[1])
        mismatches.push(`${file}: ${step.uses} (we use ${major})`);
    }
    expect(mismatches).toEqual([]);
  });

  it('pass perf-action only inputs that action.yml declares', async () => {
    const declared = Object.keys(
      (parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
    );
    const uses = (await steps('examples/workflows')).filter(({ step }) =>
      step.uses?.startsWith('org/perf-action@'),
    );
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const { file, step } of uses) {
      expect(step.uses, file).toBe('org/perf-action@v1');
      for (const input of Object.keys(step.with ?? {}))
        expect(declared, `${file}: ${input}`).toContain(input);
    }
  });
});
