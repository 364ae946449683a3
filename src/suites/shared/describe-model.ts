// How a scenario's load model reads in logs and reports.

/** `closed model, 50 connections` or `open model, 100 req/s`. */
export function describeModel(s: {
  model: 'closed' | 'open';
  connections?: number | undefined;
  rate?: number | undefined;
}): string {
  return s.model === 'open'
    ? `open model, ${s.rate} req/s`
    : `closed model, ${s.connections} connection${s.connections === 1 ? '' : 's'}`;
}
