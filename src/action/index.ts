// The action's entry point, bundled to dist/index.js. main.ts only exports run(), so importing it
// runs nothing: tools that drive the action themselves (such as @github/local-action) call run().
import { run } from './main.ts';

await run();
