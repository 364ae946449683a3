// Finds secrets in what a run let out, in the forms a reader (or a script) could recover them
// from: as given, JSON-escaped, percent-encoded (URI component, form), HTML-escaped, and base64
// (alone, or inside any longer base64 value, at any alignment). Independent of the redactor under
// test: these are the forms the tests plant, not the ones the code knows.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** A secret planted somewhere, named for the failure message. */
export interface Planted {
  /** Where it was planted, e.g. `\${env:} in the request path`. */
  name: string;
  value: string;
}

/** A random value of `length` hex digits after `prefix`, unlike anything else in a report. */
export function plantable(prefix: string, length = 16): string {
  return `${prefix}${randomBytes(length).toString('hex').slice(0, length)}`;
}

/** The recoverable forms of `value`, by name. */
export function formsOf(value: string): Record<string, string> {
  return {
    'as given': value,
    'JSON-escaped': JSON.stringify(value).slice(1, -1),
    'JSON-escaped twice': JSON.stringify(JSON.stringify(value).slice(1, -1)).slice(1, -1),
    'URI-encoded': encodeURIComponent(value),
    'form-encoded': new URLSearchParams({ v: value }).toString().slice(2),
    'HTML-escaped': value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    base64: Buffer.from(value).toString('base64'),
  };
}

/**
 * One line per secret found in an output: `<output>: <secret> (<form>)`. `outputs` maps a name
 * (a file, `stdout`, `the comment`) to its text.
 */
export function findLeaks(outputs: Record<string, string>, planted: Planted[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(outputs)) {
    for (const secret of planted) {
      for (const [form, encoded] of Object.entries(formsOf(secret.value))) {
        if (encoded.length > 0 && text.includes(encoded))
          found.push(`${where}: ${secret.name} (${form})`);
      }
      for (const run of text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? []) {
        for (let drop = 0; drop < 4; drop++) {
          if (Buffer.from(run.slice(drop), 'base64').toString('utf8').includes(secret.value)) {
            found.push(`${where}: ${secret.name} (inside base64 ${run.slice(0, 24)}…)`);
            break;
          }
        }
      }
    }
  }
  return [...new Set(found)];
}

/** Every regular file under `dir`, by its path relative to `base`, as text. */
export async function readTree(dir: string, base = dir): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return files;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    const info = await stat(path);
    if (info.isDirectory()) Object.assign(files, await readTree(path, base));
    else if (info.isFile()) files[relative(base, path)] = await readFile(path, 'utf8');
  }
  return files;
}

/**
 * `@mention`s of `login` that GitHub would link (and notify): those outside code spans and
 * `<code>` elements.
 */
export function liveMentions(markdown: string, login: string): string[] {
  const outside = markdown.replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/`[^`\n]*`/g, ' ');
  return outside.match(new RegExp(`@${login}\\b`, 'g')) ?? [];
}
