// The sample service's endpoints for the volume suite, over real HTTP with a real SQLite database:
// bulk inserts (one transaction per request: all items or none), the unindexed search, the
// project with its sessions, and detection events counted by validation result.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BULK_ITEMS } from '../../examples/validation-platform/app.ts';
import {
  createRepository,
  openDatabase,
  seedDemoData,
} from '../../examples/validation-platform/db.ts';
import { type RunningServer, startServer } from '../../examples/validation-platform/service.ts';

const DEMO = { email: 'test@example.com', password: 'password' };
const OTHER = { email: 'other@example.com', password: 'other-password' };

function project(name: string, description: string | null = null) {
  return {
    name,
    description,
    camera_model: 'FLIR Blackfly S',
    camera_view: 'Front-facing VRU',
    signal_type: 'GPIO',
  };
}

function event(result: string, confidence = 0.9) {
  return { timestamp: 12.5, confidence, class_label: 'pedestrian', validation_result: result };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

let server: RunningServer;
let demo: string;
let other: string;

async function call(method: string, path: string, token: string, json?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function login(user: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function total(token: string, query = ''): Promise<number> {
  return (await call('GET', `/api/projects?limit=1${query}`, token)).body.total as number;
}

beforeAll(async () => {
  server = await startServer({ port: 0, users: [OTHER] });
  demo = await login(DEMO);
  other = await login(OTHER);
});

afterAll(async () => {
  await server?.close();
});

describe('POST /api/projects/bulk', () => {
  it('inserts every item in order and the list total follows', async () => {
    const before = await total(other);
    const items = Array.from({ length: 250 }, (_, i) => project(`bulk ${i}`));
    const answer = await call('POST', '/api/projects/bulk', other, items);
    expect(answer.status).toBe(201);
    const ids = answer.body.ids as number[];
    expect(answer.body.created).toBe(250);
    expect(ids).toHaveLength(250);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await total(other)).toBe(before + 250);
    const page = await call('GET', `/api/projects?limit=2&offset=${before}`, other);
    expect((page.body.items as { name: string }[]).map((p) => p.name)).toEqual([
      'bulk 0',
      'bulk 1',
    ]);
    // The other user's count is its own.
    expect(await total(demo)).toBeLessThan(before + 250);
  });

  it('refuses the whole batch when one item is invalid, naming the item', async () => {
    const before = await total(other);
    const items = [project('fine'), project('also fine'), { ...project('bad'), camera_model: '' }];
    const answer = await call('POST', '/api/projects/bulk', other, items);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toBe('items[2]: field camera_model must be a non-empty string');
    expect(await total(other)).toBe(before);
  });

  it.each([
    ['an empty array', []],
    ['an object', project('x')],
    ['too many items', Array.from({ length: MAX_BULK_ITEMS + 1 }, () => project('x'))],
  ])('answers 400 to %s', async (_, body) => {
    const answer = await call('POST', '/api/projects/bulk', other, body);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toBe(
      `request body must be a JSON array of 1 to ${MAX_BULK_ITEMS} items`,
    );
  });

  it('routes around GET /api/projects/:id', async () => {
    expect((await call('GET', '/api/projects/bulk', other)).status).toBe(404);
    const wrong = await call('DELETE', '/api/projects/bulk', other);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });
});

describe('GET /api/projects?search=', () => {
  beforeAll(async () => {
    const items = [
      project('Rear CYCLIST warning', 'second camera'),
      project('Lane keeping', 'cyclist near the curb'),
      project('100% coverage', 'under_score'),
      project('Unrelated', null),
    ];
    expect((await call('POST', '/api/projects/bulk', other, items)).status).toBe(201);
  });

  it('finds the caller’s projects by name or description, case-insensitively, with the total', async () => {
    const answer = await call('GET', '/api/projects?search=cyclist&limit=1', other);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect((answer.body.items as { name: string }[]).map((p) => p.name)).toEqual([
      'Rear CYCLIST warning',
    ]);
    const next = await call('GET', '/api/projects?search=cyclist&limit=1&offset=1', other);
    expect((next.body.items as { name: string }[]).map((p) => p.name)).toEqual(['Lane keeping']);
  });

  it('treats % and _ as plain characters', async () => {
    expect(await total(other, '&search=100%25')).toBe(1);
    expect(await total(other, '&search=%25')).toBe(1);
    expect(await total(other, '&search=under_')).toBe(1);
    expect(await total(other, '&search=_')).toBe(1);
  });

  it('never finds another owner’s projects', async () => {
    expect(await total(other, '&search=curb')).toBe(1);
    expect(await total(demo, '&search=curb')).toBe(0);
    // The demo user's own "Rear cyclist warning", not the other user's two.
    expect(await total(demo, '&search=cyclist')).toBe(1);
  });

  it.each(['search=', `search=${'x'.repeat(101)}`])('answers 400 to ?%s', async (query) => {
    const answer = await call('GET', `/api/projects?${query}`, other);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/search must be 1 to 100 characters/);
  });
});

describe('GET /api/projects/:id?include=test_sessions', () => {
  it('adds the project’s sessions and their total, paginated by limit', async () => {
    const answer = await call('GET', '/api/projects/1?include=test_sessions&limit=3', demo);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: 1,
      name: 'Front VRU detection',
      test_session_total: 4,
    });
    const sessions = answer.body.test_sessions as { project_id: number }[];
    expect(sessions).toHaveLength(3);
    expect(sessions.every((s) => s.project_id === 1)).toBe(true);
    const plain = await call('GET', '/api/projects/1', demo);
    expect(plain.body).not.toHaveProperty('test_sessions');
  });

  it('is 404 for another owner’s project and 400 for an unknown include', async () => {
    expect((await call('GET', '/api/projects/1?include=test_sessions', other)).status).toBe(404);
    const bad = await call('GET', '/api/projects/1?include=videos', demo);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/include must be test_sessions/);
  });
});

describe('POST /api/test-sessions/bulk', () => {
  it('creates sessions of the caller’s projects, owned by the project’s owner', async () => {
    const before = (await call('GET', '/api/test-sessions?limit=1', demo)).body.total as number;
    const answer = await call('POST', '/api/test-sessions/bulk', demo, [
      { project_id: 2, name: 'bulk run 1' },
      { project_id: 3, name: 'bulk run 2', tolerance_ms: 250, status: 'completed', video_id: 9 },
    ]);
    expect(answer.status).toBe(201);
    expect(answer.body.created).toBe(2);
    const list = await call('GET', '/api/test-sessions?project_id=3&limit=200', demo);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        name: 'bulk run 2',
        project_id: 3,
        tolerance_ms: 250,
        status: 'completed',
        video_id: 9,
      }),
    );
    expect((await call('GET', '/api/test-sessions?limit=1', demo)).body.total).toBe(before + 2);
    expect((await call('GET', '/api/test-sessions?limit=1', other)).body.total).toBe(0);
  });

  it('inserts nothing when one item’s project is not the caller’s', async () => {
    const before = (await call('GET', '/api/test-sessions?limit=1', other)).body.total;
    const answer = await call('POST', '/api/test-sessions/bulk', other, [
      { project_id: 1, name: 'not mine' },
    ]);
    expect(answer.status).toBe(404);
    expect(answer.body.detail).toBe('items[0]: project 1 not found');
    expect((await call('GET', '/api/test-sessions?limit=1', other)).body.total).toBe(before);
  });

  it.each([
    [{ name: 'no project' }, 'items[0]: field project_id is required'],
    [{ project_id: 1, name: 'x', status: 'done' }, /items\[0\]: field status must be one of/],
    [{ project_id: 1, name: 'x', tolerance_ms: -1 }, /items\[0\]: field tolerance_ms/],
    [{ project_id: 1 }, 'items[0]: field name is required'],
  ])('answers 400 to %j', async (item, detail) => {
    const answer = await call('POST', '/api/test-sessions/bulk', demo, [item]);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(detail);
  });
});

describe('detection events', () => {
  it('counts the seeded events of a demo session by validation result', async () => {
    const answer = await call('GET', '/api/test-sessions/2/events/summary', demo);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      test_session_id: 2,
      total: 200,
      by_validation_result: { TP: 120, FP: 40, FN: 40, TN: 0 },
    });
  });

  it('bulk-inserts events of a session and the counts follow', async () => {
    const created = await call('POST', '/api/test-sessions/3/events/bulk', demo, [
      event('TN'),
      event('TN', 0.5),
      event('FP', 1),
    ]);
    expect(created.status).toBe(201);
    expect(created.body.created).toBe(3);
    const summary = await call('GET', '/api/test-sessions/3/events/summary', demo);
    expect(summary.body).toMatchObject({
      total: 203,
      by_validation_result: { TP: 120, FP: 41, FN: 40, TN: 2 },
    });
  });

  it.each([
    [
      { ...event('TP'), validation_result: 'maybe' },
      /items\[0\]: field validation_result must be one of TP, FP, FN, TN/,
    ],
    [event('TP', 1.5), /items\[0\]: field confidence must be a number between 0 and 1/],
    [{ ...event('TP'), timestamp: -1 }, /items\[0\]: field timestamp/],
    [{ ...event('TP'), class_label: '' }, /items\[0\]: field class_label/],
  ])('answers 400 to an invalid event %#', async (item, detail) => {
    const answer = await call('POST', '/api/test-sessions/3/events/bulk', demo, [item]);
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(detail);
  });

  it('is 404 for another owner’s session, for both endpoints, and inserts nothing', async () => {
    const post = await call('POST', '/api/test-sessions/4/events/bulk', other, [event('TP')]);
    expect(post.status).toBe(404);
    expect((await call('GET', '/api/test-sessions/4/events/summary', other)).status).toBe(404);
    expect((await call('GET', '/api/test-sessions/4/events/summary', demo)).body.total).toBe(200);
    expect((await call('GET', '/api/test-sessions/abc/events/summary', demo)).status).toBe(404);
  });
});

describe('schema migration 2 on an existing database', () => {
  it('counts the projects a version-1 database already holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'validation-platform-v1-'));
    const file = join(dir, 'platform.db');
    try {
      const db = openDatabase(file);
      seedDemoData(db);
      // Back to version 1: what migrations 2 and 3 add, removed.
      db.exec(`DROP TABLE video_detections;
        DROP TABLE videos;
        DROP TRIGGER projects_count_insert;
        DROP TRIGGER projects_count_delete;
        DROP TRIGGER projects_count_move;
        DROP TABLE detection_events;
        ALTER TABLE users DROP COLUMN project_count;
        PRAGMA user_version = 1;`);
      db.close();
      const migrated = openDatabase(file);
      try {
        const repository = createRepository(migrated);
        const owner = repository.findUserByEmail(DEMO.email)?.id ?? 0;
        expect(repository.listProjects(owner, 1, 0).total).toBe(5);
        repository.createProjects(owner, [project('after migration')]);
        expect(repository.listProjects(owner, 1, 0).total).toBe(6);
        expect(repository.summarizeDetectionEvents(owner, 1)?.total).toBe(0);
      } finally {
        migrated.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
