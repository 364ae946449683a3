// Where stores report what they skipped or could not do, without failing the run.

/** Receives one line per problem (corrupt file, skipped record, store down). */
export type WarningSink = (message: string) => void;

/** The default sink: stderr, so that stdout stays clean for reports. The action passes core.warning. */
export const warnOnStderr: WarningSink = (message) => {
  console.error(`warning: ${message}`);
};
