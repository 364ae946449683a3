// Builds the baseline store the action's settings ask for. The one place that knows which store
// serves which input value.
import { ArtifactStore } from '../baseline/artifact-store.ts';
import { ActionsCacheStore } from '../baseline/cache-store.ts';
import { FallbackStore } from '../baseline/fallback-store.ts';
import { LocalDirStore } from '../baseline/local-store.ts';
import type { BaselineStore } from '../baseline/types.ts';
import type { RunContext } from './run-context.ts';
import type { ActionSettings } from './settings.ts';

/**
 * `baseline-path` → a directory; `cache` → the Actions cache, falling back to artifacts once the
 * cache entry was evicted (both are saved); `artifact` → artifacts alone; `none` → no store.
 * Histories always belong to the default branch: PRs compare with it, and only its runs save.
 */
export function createBaselineStore(
  settings: ActionSettings,
  context: RunContext,
  warn: (line: string) => void,
): BaselineStore | undefined {
  if (settings.baselinePath) return new LocalDirStore(settings.baselinePath, { onWarning: warn });
  if (settings.baseline === 'none') return undefined;
  const artifacts = new ArtifactStore({
    token: settings.githubToken,
    owner: context.owner,
    repo: context.repo,
    branch: context.defaultBranch,
    apiUrl: context.apiUrl,
    onWarning: warn,
  });
  if (settings.baseline === 'artifact') return artifacts;
  const cache = new ActionsCacheStore({
    branch: context.defaultBranch,
    runId: context.runId,
    attempt: context.runAttempt,
    onWarning: warn,
  });
  return new FallbackStore([cache, artifacts], { onWarning: warn });
}
