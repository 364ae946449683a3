// The stress suite's account of one scenario, stored in results.json under `stress` (plain data).
import type { z } from 'zod';
import type {
  loadFiguresSchema,
  stressPhaseRowSchema,
  stressRunSchema,
  stressSecondSchema,
} from '../../results/schema.ts';

/** How a stress level reads: arrivals per second (open model) or connections (closed model). */
export function levelUnit(model: StressRun['model']): string {
  return model === 'open' ? 'req/s' : 'connections';
}

/** The metric unit of a stress level (`capacity.level`). */
export function levelMetricUnit(model: StressRun['model']): 'rps' | 'count' {
  return model === 'open' ? 'rps' : 'count';
}

/** Figures of a set of requests (one phase or one second), over all kinds or one kind. */
export type LoadFigures = z.infer<typeof loadFiguresSchema>;
/** One phase of the run as the report shows it. */
export type StressPhaseRow = z.infer<typeof stressPhaseRowSchema>;
/** One second of the run: the time series. */
export type StressSecond = z.infer<typeof stressSecondSchema>;
/** The stress suite's account of one scenario. */
export type StressRun = z.infer<typeof stressRunSchema>;
