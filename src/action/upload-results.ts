// Uploads the run's files (results.json, reports, service log) as one workflow artifact.
import { existsSync } from 'node:fs';
import { DefaultArtifactClient } from '@actions/artifact';

/** The artifact's id, or throws (the caller turns a failure into a warning). */
export async function uploadResults(
  name: string,
  files: string[],
  rootDirectory: string,
): Promise<number | undefined> {
  const present = files.filter((f) => existsSync(f));
  const client = new DefaultArtifactClient();
  const { id } = await client.uploadArtifact(name, present, rootDirectory, { retentionDays: 30 });
  return id;
}
