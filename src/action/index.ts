// The action's entry point, bundled to dist/index.js. main.ts only exports run(), so importing it
// runs nothing: tools that drive the action themselves (such as @github/local-action) call run().
//
// The event payload is read first, and main.ts imported only after: @actions/github (which the
// artifact client imports too) reads GITHUB_EVENT_PATH synchronously the moment it is loaded, so a
// payload that is a FIFO would hang it and one that is not JSON would crash it before any of our
// code ran. A payload that cannot be used is hidden from it; run() warns about it.
import { readRunContext } from './run-context.ts';

const context = await readRunContext();
if (context.payloadProblem) delete process.env.GITHUB_EVENT_PATH;
const { run } = await import('./main.ts');
await run(context);
