// The report's Video section: one row per level of concurrency (success, processing time per
// minute of video, realtime factor, the service's peak CPU and memory, the level's verdict) and,
// in the note, the videos used and why videos failed. Pure.

import { formatValue } from '../../core/format.ts';
import type { Cell, Section } from '../../core/report-section.ts';
import { verdictOf } from '../../core/worst-status.ts';
import type { Check, Metric } from '../../results/types.ts';
import { levelScenario, VIDEO_METRIC_NAMES } from './config.ts';
import type { VideoLevelRun, VideoSuiteRun } from './results.ts';

const SUITE = 'video';

/** Most distinct failure reasons listed per level; the rest are counted. */
const MAX_REASONS = 5;

function formatBytes(bytes: number): string {
  return formatValue(bytes / (1024 * 1024), 'MB');
}

/** `synthetic-640x360-30fps-10s-seed1.avi (640x360, 30 fps, 10 s, seed 1; 1.2 MB)`. */
function describeVideos(run: VideoSuiteRun): string {
  const list = run.videos.map((v) => {
    const facts = v.kind === 'synthetic' ? v.description : `${formatValue(v.durationS, 's')}`;
    return `${v.name} (${facts}; ${formatBytes(v.bytes)})`;
  });
  return `Videos, sent in turn: ${list.join(', ')}.`;
}

/** `c3: 2 of 5 videos failed: upload answered 422: … (2x); …`. */
function describeFailures(level: VideoLevelRun): string | undefined {
  const failed = level.rows.filter((row) => row.outcome !== 'done');
  if (failed.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const row of failed) {
    const reason = row.reason ?? row.outcome;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const listed = [...counts].slice(0, MAX_REASONS).map(([reason, n]) => {
    const trimmed = reason.replace(/[.\s]+$/, '');
    return n > 1 ? `${trimmed} (${n}x)` : trimmed;
  });
  const more = counts.size > MAX_REASONS ? `; ${counts.size - MAX_REASONS} more reasons` : '';
  const videos = level.videos === 1 ? 'video' : 'videos';
  return (
    `${levelScenario(level.level)}: ${failed.length} of ${level.videos} ${videos} failed: ` +
    `${listed.join('; ')}${more}.`
  );
}

/**
 * The Video section of the report. `metrics` and `checks` are the run's (filtered here to
 * `video/…`); a level's status is the worst of its checks (budgets and regressions), `–` when it
 * has none.
 */
export function videoSection(
  run: VideoSuiteRun,
  metrics: readonly Metric[],
  checks: readonly Check[],
): Section {
  const findMetric = (level: number, name: string) =>
    metrics.find(
      (m) => m.suite === SUITE && m.scenario === levelScenario(level) && m.name === name,
    );
  const rows = run.levels.map((level): Cell[] => {
    const perMinute = findMetric(level.level, VIDEO_METRIC_NAMES.secondsPerMinute);
    const factor = findMetric(level.level, VIDEO_METRIC_NAMES.realtimeFactor);
    const own = checks.filter((c) =>
      c.metric.startsWith(`${SUITE}/${levelScenario(level.level)}/`),
    );
    return [
      String(level.level),
      String(level.videos),
      `${level.succeeded}/${level.videos}`,
      perMinute ? formatValue(perMinute.value, perMinute.unit) : '–',
      factor ? formatValue(factor.value, factor.unit) : '–',
      level.resources ? formatValue(level.resources.cpuMax, 'percent') : '–',
      level.resources ? formatValue(level.resources.memoryMaxMB, 'MB') : '–',
      own.length === 0 ? '–' : { status: verdictOf(own) },
    ];
  });
  const notes = [
    'Each level keeps that many videos in flight until its videos are through. Processing time ' +
      'runs from the start of a video’s upload to the first status answer saying done, per ' +
      'minute of video (the median over the level’s processed videos); realtime is video seconds per ' +
      'processing second. CPU in percent of one core.',
    describeVideos(run),
    ...run.levels.map(describeFailures).filter((line): line is string => line !== undefined),
  ];
  return {
    heading: 'Video',
    note: notes.join(' '),
    table: {
      header: [
        'In flight',
        'Videos',
        'Done',
        's per video-minute',
        'Realtime',
        'Peak CPU',
        'Peak memory',
        'Status',
      ],
      align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      rows,
    },
  };
}
