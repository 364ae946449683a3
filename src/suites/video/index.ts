// The video suite: upload videos and poll their processing at rising numbers in flight; seconds
// of processing per minute of video and the share processed, per level. One unit: the levels share
// their videos and run in order.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plural } from '../../core/format.ts';
import { runOptions } from '../shared/run-options.ts';
import { defineSuite } from '../suite.ts';
import { levelScenario, type VideoConfig, videoConfigPart } from './config.ts';
import { videoSection } from './report.ts';
import { type VideoSuiteRun, videoSuiteRunSchema } from './results.ts';
import { runVideoSuite } from './run.ts';

export const videoSuite = defineSuite<VideoConfig, VideoConfig, VideoSuiteRun>({
  name: 'video',
  config: videoConfigPart,
  plan: (config) => (config.levels.length > 0 ? [config] : []),
  unitName: () => 'levels',
  describe: (config) => plural(config.levels.length, 'level'),
  announce: (config) => `levels ${config.levels.join(', ')} (videos in flight)`,
  run: async (context, _config, units) => {
    const [video] = units;
    if (!video) return { scenarios: [], metrics: [], checks: [] };
    // Synthetic videos are generated once per run, shared by every level, removed at the end.
    const workDir = await mkdtemp(join(tmpdir(), 'perf-action-videos-'));
    try {
      const out = await runVideoSuite({
        ...runOptions(context),
        video,
        workDir,
        configDir: context.configDir,
      });
      return { scenarios: [], metrics: out.metrics, checks: [], detail: out.run };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  },
  detailSchema: videoSuiteRunSchema,
  budgets: (config) => ({ suite: config.budgets, scenarios: {} }),
  isGatedByDefault: (metric) =>
    metric.name === 'seconds_per_minute' || metric.name === 'success.rate',
  windows: (_result, run) =>
    (run?.levels ?? []).map((level) => ({
      scenario: `video/${levelScenario(level.level)}`,
      resources: level.resources,
    })),
  report: (result, run) => (run ? [videoSection(run, result.metrics, result.checks)] : []),
});
