// Storage of the sample service: schema migrations, demo seed data and the queries the routes
// need, each prepared once so that a request costs one bind + step, not a parse.

import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** Email of the seeded demo user (the seed document's default credentials). */
export const DEMO_EMAIL = 'test@example.com';
/** Password of the seeded demo user. */
export const DEMO_PASSWORD = 'password';

/** A project as the API returns it. `created_at` is an ISO 8601 UTC timestamp. */
export interface Project {
  id: number;
  name: string;
  description: string | null;
  camera_model: string;
  camera_view: string;
  signal_type: string;
  status: string;
  created_at: string;
}

/** A test session as the API returns it. `tolerance_ms` is in milliseconds. */
export interface TestSession {
  id: number;
  name: string;
  project_id: number;
  video_id: number | null;
  tolerance_ms: number;
  status: string;
  created_at: string;
}

/** The fields a client supplies to create a project. */
export interface NewProject {
  name: string;
  description: string | null;
  camera_model: string;
  camera_view: string;
  signal_type: string;
}

/** The fields a client supplies to create a test session (bulk endpoint). */
export interface NewTestSession {
  project_id: number;
  name: string;
  video_id: number | null;
  /** Milliseconds. */
  tolerance_ms: number;
  status: string;
}

/** How a detection matched the ground truth. */
export const VALIDATION_RESULTS = ['TP', 'FP', 'FN', 'TN'] as const;
export type ValidationResult = (typeof VALIDATION_RESULTS)[number];

/** One detection of the model under validation, as a client supplies it. */
export interface NewDetectionEvent {
  /** Seconds from the start of the video. */
  timestamp: number;
  /** 0..1. */
  confidence: number;
  class_label: string;
  validation_result: ValidationResult;
}

/** A project with (the first page of) its test sessions. */
export interface ProjectWithSessions extends Project {
  test_sessions: TestSession[];
  /** All sessions of the project, beyond the ones listed. */
  test_session_total: number;
}

/** Detection events of one session counted by validation result. */
export interface EventSummary {
  test_session_id: number;
  total: number;
  by_validation_result: Record<ValidationResult, number>;
}

/** What a bulk insert did: all rows or, when one item is refused, none. */
export type BulkResult = { ok: true; ids: number[] } | { ok: false; index: number; reason: string };

/** One page of a list plus the total number of rows the caller may see. */
export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Each entry upgrades the schema by one version (tracked in `PRAGMA user_version`).
 *
 * `test_sessions.owner_id` copies the owner of the session's project: without it, listing a
 * user's sessions joins through all of that user's projects, so its cost would grow with every
 * project a load test creates and the numbers of one scenario would depend on the previous one.
 * Insert sessions only through {@link INSERT_TEST_SESSION_SQL}, which derives it from the project.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id            INTEGER PRIMARY KEY,
     email         TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     created_at    TEXT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX sessions_user_id ON sessions(user_id);
   CREATE TABLE projects (
     id           INTEGER PRIMARY KEY,
     owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     description  TEXT,
     camera_model TEXT NOT NULL,
     camera_view  TEXT NOT NULL,
     signal_type  TEXT NOT NULL,
     status       TEXT NOT NULL DEFAULT 'active',
     created_at   TEXT NOT NULL
   );
   CREATE INDEX projects_owner_id ON projects(owner_id);
   CREATE TABLE test_sessions (
     id           INTEGER PRIMARY KEY,
     project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     video_id     INTEGER,
     tolerance_ms INTEGER NOT NULL DEFAULT 100,
     status       TEXT NOT NULL DEFAULT 'pending',
     created_at   TEXT NOT NULL
   );
   CREATE INDEX test_sessions_project_id ON test_sessions(project_id);
   CREATE INDEX test_sessions_owner_id ON test_sessions(owner_id);`,
  // `users.project_count` is kept by triggers, so that a page of a user's projects costs the same
  // with 10 or 100 000 of them: counting the rows for `total` walks the owner's whole index range.
  // detection_events is read by session (and counted by result) through one covering index.
  `ALTER TABLE users ADD COLUMN project_count INTEGER NOT NULL DEFAULT 0;
   UPDATE users SET project_count = (SELECT COUNT(*) FROM projects WHERE owner_id = users.id);
   CREATE TRIGGER projects_count_insert AFTER INSERT ON projects BEGIN
     UPDATE users SET project_count = project_count + 1 WHERE id = NEW.owner_id;
   END;
   CREATE TRIGGER projects_count_delete AFTER DELETE ON projects BEGIN
     UPDATE users SET project_count = project_count - 1 WHERE id = OLD.owner_id;
   END;
   CREATE TRIGGER projects_count_move AFTER UPDATE OF owner_id ON projects BEGIN
     UPDATE users SET project_count = project_count - 1 WHERE id = OLD.owner_id;
     UPDATE users SET project_count = project_count + 1 WHERE id = NEW.owner_id;
   END;
   CREATE TABLE detection_events (
     id                INTEGER PRIMARY KEY,
     test_session_id   INTEGER NOT NULL REFERENCES test_sessions(id) ON DELETE CASCADE,
     timestamp_s       REAL NOT NULL,
     confidence        REAL NOT NULL,
     class_label       TEXT NOT NULL,
     validation_result TEXT NOT NULL CHECK (validation_result IN ('TP', 'FP', 'FN', 'TN')),
     created_at        TEXT NOT NULL
   );
   CREATE INDEX detection_events_session_result
     ON detection_events(test_session_id, validation_result);`,
  // Uploaded videos and the moving objects the service's own detector found in them
  // (video-store.ts); times in seconds, boxes in pixels.
  `CREATE TABLE videos (
     id           INTEGER PRIMARY KEY,
     owner_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name         TEXT NOT NULL,
     status       TEXT NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'processing', 'done', 'failed')),
     progress     REAL NOT NULL DEFAULT 0,
     width        INTEGER NOT NULL,
     height       INTEGER NOT NULL,
     fps          REAL NOT NULL,
     frames       INTEGER NOT NULL,
     duration_s   REAL NOT NULL,
     detections   INTEGER NOT NULL DEFAULT 0,
     error        TEXT,
     processing_s REAL,
     created_at   TEXT NOT NULL,
     started_at   TEXT,
     finished_at  TEXT
   );
   CREATE INDEX videos_owner_id ON videos(owner_id);
   CREATE TABLE video_detections (
     id       INTEGER PRIMARY KEY,
     video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
     frame    INTEGER NOT NULL,
     time_s   REAL NOT NULL,
     x        INTEGER NOT NULL,
     y        INTEGER NOT NULL,
     width    INTEGER NOT NULL,
     height   INTEGER NOT NULL,
     area     INTEGER NOT NULL
   );
   CREATE INDEX video_detections_video_frame ON video_detections(video_id, frame);`,
];

/**
 * Opens (or creates) the database at `path` (`':memory:'` for a private in-memory one), turns on
 * WAL and foreign keys, and applies pending migrations.
 */
export function openDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5_000 });
  try {
    // WAL lets readers proceed while a write commits; in-memory databases ignore it (no file).
    db.exec('PRAGMA journal_mode = WAL');
    // With WAL, NORMAL stays consistent after a crash and avoids an fsync per commit.
    db.exec('PRAGMA synchronous = NORMAL');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: DatabaseSync): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  const current = row?.user_version ?? 0;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[version] as string);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

// scrypt parameters: N = 2^14 (Node's default cost), 64-byte key, 16-byte salt.
const SCRYPT_KEY_BYTES = 64;
const SALT_BYTES = 16;

function encodePasswordHash(salt: Buffer, key: Buffer): string {
  return `scrypt$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** Hashes a password for storage as `scrypt$<salt hex>$<key hex>` (blocks for a few ms). */
export function hashPassword(password: string): string {
  const salt = randomBytes(SALT_BYTES);
  return encodePasswordHash(salt, scryptSync(password, salt, SCRYPT_KEY_BYTES));
}

/**
 * Checks `password` against a stored hash in constant time. Runs scrypt on the libuv thread pool
 * so that a burst of logins does not stall other requests.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, keyHex] = stored.split('$');
  if (scheme !== 'scrypt' || saltHex === undefined || keyHex === undefined) return false;
  const expected = Buffer.from(keyHex, 'hex');
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, Buffer.from(saltHex, 'hex'), expected.length, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Creates a user with a hashed password and returns its id. Throws if the email already exists.
 */
export function createUser(db: DatabaseSync, email: string, password: string): number {
  const row = db
    .prepare('INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?) RETURNING id')
    .get(email, hashPassword(password), new Date().toISOString()) as { id: number };
  return row.id;
}

const DEMO_PROJECTS: readonly Omit<NewProject, 'description'>[] = [
  {
    name: 'Front VRU detection',
    camera_model: 'FLIR Blackfly S',
    camera_view: 'Front-facing VRU',
    signal_type: 'GPIO',
  },
  {
    name: 'Rear cyclist warning',
    camera_model: 'Sony IMX390',
    camera_view: 'Rear-facing VRU',
    signal_type: 'CAN',
  },
  {
    name: 'Driver monitoring',
    camera_model: 'OmniVision OV2311',
    camera_view: 'In-Cab Driver Behavior',
    signal_type: 'Network Packet',
  },
  {
    name: 'Blind spot pedestrians',
    camera_model: 'FLIR Blackfly S',
    camera_view: 'Front-facing VRU',
    signal_type: 'Serial',
  },
  {
    name: 'Night-time validation',
    camera_model: 'Sony IMX490',
    camera_view: 'Front-facing VRU',
    signal_type: 'GPIO',
  },
];

/**
 * Inserts a test session, taking `owner_id` from its project (so the two cannot disagree). Binds
 * name, video_id, tolerance_ms (ms), status, created_at, project_id; inserts nothing if the
 * project does not exist.
 */
export const INSERT_TEST_SESSION_SQL = `INSERT INTO test_sessions
   (project_id, owner_id, name, video_id, tolerance_ms, status, created_at)
   SELECT p.id, p.owner_id, ?, ?, ?, ?, ? FROM projects p WHERE p.id = ?`;

/**
 * Inserts a detection event; binds test_session_id, timestamp_s (seconds into the video),
 * confidence (0..1), class_label, validation_result, created_at.
 */
const INSERT_DETECTION_EVENT_SQL = `INSERT INTO detection_events
   (test_session_id, timestamp_s, confidence, class_label, validation_result, created_at)
   VALUES (?, ?, ?, ?, ?, ?)`;

const SESSION_STATUSES = ['completed', 'completed', 'running', 'pending'] as const;

/** Detection events seeded per demo test session (the seed strategy's volume test uses 200). */
const DEMO_EVENTS_PER_SESSION = 200;
const DEMO_CLASS_LABELS = ['pedestrian', 'cyclist', 'vehicle', 'distracted_driver'] as const;
const DEMO_RESULTS = ['TP', 'TP', 'TP', 'FP', 'FN'] as const;

/**
 * Seeds the demo user (`test@example.com` / `password`) with a few projects, test sessions and
 * their detection events so that lists are not empty, unless that user already exists (a reused
 * database file).
 */
export function seedDemoData(db: DatabaseSync): void {
  const existing = db.prepare('SELECT id FROM users WHERE email = ?').get(DEMO_EMAIL);
  if (existing !== undefined) return;
  const now = new Date().toISOString();
  const insertProject = db.prepare(
    `INSERT INTO projects (owner_id, name, description, camera_model, camera_view, signal_type, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const insertSession = db.prepare(INSERT_TEST_SESSION_SQL);
  const insertEvent = db.prepare(INSERT_DETECTION_EVENT_SQL);
  db.exec('BEGIN');
  try {
    const ownerId = createUser(db, DEMO_EMAIL, DEMO_PASSWORD);
    for (const [index, project] of DEMO_PROJECTS.entries()) {
      const { id } = insertProject.get(
        ownerId,
        project.name,
        `Demo project ${index + 1}`,
        project.camera_model,
        project.camera_view,
        project.signal_type,
        now,
      ) as { id: number };
      for (const [run, status] of SESSION_STATUSES.entries()) {
        const session = insertSession.run(
          `${project.name} run ${run + 1}`,
          null,
          100,
          status,
          now,
          id,
        );
        for (let k = 0; k < DEMO_EVENTS_PER_SESSION; k++) {
          // Spread deterministically over 5 minutes of video, labels and results cycling.
          insertEvent.run(
            session.lastInsertRowid,
            (k * 300) / DEMO_EVENTS_PER_SESSION,
            0.5 + ((k * 37) % 50) / 100,
            DEMO_CLASS_LABELS[k % DEMO_CLASS_LABELS.length] as string,
            DEMO_RESULTS[k % DEMO_RESULTS.length] as string,
            now,
          );
        }
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** SHA-256 of a bearer token: the database never holds a usable token. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The queries behind the routes. Build it once per database: it prepares every statement. */
export interface Repository {
  /** The user with this email, with its stored password hash, or undefined. */
  findUserByEmail(email: string): { id: number; password_hash: string } | undefined;
  /** Creates a session for the user and returns its new bearer token (32 random bytes, hex). */
  createSession(userId: number): string;
  /** The id of the user owning this bearer token, or undefined. */
  findUserIdByToken(token: string): number | undefined;
  /** The caller's projects ordered by id. */
  listProjects(ownerId: number, limit: number, offset: number): Page<Project>;
  /** The project if it exists and belongs to `ownerId`. */
  getProject(ownerId: number, id: number): Project | undefined;
  /** Inserts a project owned by `ownerId` and returns it. */
  createProject(ownerId: number, project: NewProject): Project;
  /**
   * The caller's projects whose name or description contains `term` (ASCII case-insensitive),
   * ordered by id, with the number of matches. Deliberately unindexed (`LIKE '%term%'` reads every
   * project of the caller, twice): the demo's volume suite shows such a scan being caught.
   */
  searchProjects(ownerId: number, term: string, limit: number, offset: number): Page<Project>;
  /** Inserts projects owned by `ownerId` in one transaction and returns their ids in order. */
  createProjects(ownerId: number, projects: readonly NewProject[]): number[];
  /** The project (if it is the caller's) with the first `limit` of its test sessions by id. */
  getProjectWithSessions(
    ownerId: number,
    id: number,
    limit: number,
  ): ProjectWithSessions | undefined;
  /**
   * Inserts test sessions in one transaction: all of them, or none when an item's project is not
   * the caller's (the result names that item).
   */
  createTestSessions(ownerId: number, sessions: readonly NewTestSession[]): BulkResult;
  /**
   * Inserts detection events of one of the caller's test sessions in one transaction and returns
   * their ids; undefined (nothing inserted) when the session is not the caller's.
   */
  createDetectionEvents(
    ownerId: number,
    sessionId: number,
    events: readonly NewDetectionEvent[],
  ): number[] | undefined;
  /** The events of one of the caller's sessions counted by validation result, or undefined. */
  summarizeDetectionEvents(ownerId: number, sessionId: number): EventSummary | undefined;
  /** Test sessions of the caller's projects (optionally one project), ordered by id. */
  listTestSessions(
    ownerId: number,
    projectId: number | undefined,
    limit: number,
    offset: number,
  ): Page<TestSession>;
  /** A trivial query proving the database answers. */
  ping(): void;
}

// `\` escapes the caller's own `%` and `_`, so a search term is always a plain substring.
const PROJECT_MATCH = "(name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')";

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

const PROJECT_COLUMNS =
  'id, name, description, camera_model, camera_view, signal_type, status, created_at';
const SESSION_COLUMNS = 'id, name, project_id, video_id, tolerance_ms, status, created_at';

/** Prepares every statement the routes use, once. */
export function createRepository(db: DatabaseSync): Repository {
  const statements = {
    userByEmail: db.prepare('SELECT id, password_hash FROM users WHERE email = ?'),
    insertSession: db.prepare(
      'INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)',
    ),
    userIdByToken: db.prepare('SELECT user_id FROM sessions WHERE token_hash = ?'),
    listProjects: db.prepare(
      `SELECT ${PROJECT_COLUMNS} FROM projects WHERE owner_id = ? ORDER BY id LIMIT ? OFFSET ?`,
    ),
    countProjects: db.prepare('SELECT project_count AS n FROM users WHERE id = ?'),
    searchProjects: db.prepare(
      `SELECT ${PROJECT_COLUMNS} FROM projects WHERE owner_id = ? AND ${PROJECT_MATCH}
       ORDER BY id LIMIT ? OFFSET ?`,
    ),
    countFoundProjects: db.prepare(
      `SELECT COUNT(*) AS n FROM projects WHERE owner_id = ? AND ${PROJECT_MATCH}`,
    ),
    ownsProject: db.prepare('SELECT 1 AS ok FROM projects WHERE id = ? AND owner_id = ?'),
    insertProjectId: db.prepare(
      `INSERT INTO projects (owner_id, name, description, camera_model, camera_view, signal_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertTestSession: db.prepare(INSERT_TEST_SESSION_SQL),
    ownsTestSession: db.prepare('SELECT 1 AS ok FROM test_sessions WHERE id = ? AND owner_id = ?'),
    insertEvent: db.prepare(INSERT_DETECTION_EVENT_SQL),
    countEventsByResult: db.prepare(
      `SELECT validation_result AS result, COUNT(*) AS n FROM detection_events
       WHERE test_session_id = ? GROUP BY validation_result`,
    ),
    getProject: db.prepare(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE id = ? AND owner_id = ?`),
    insertProject: db.prepare(
      `INSERT INTO projects (owner_id, name, description, camera_model, camera_view, signal_type, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${PROJECT_COLUMNS}`,
    ),
    listSessions: db.prepare(
      `SELECT ${SESSION_COLUMNS} FROM test_sessions WHERE owner_id = ? ORDER BY id LIMIT ? OFFSET ?`,
    ),
    countSessions: db.prepare('SELECT COUNT(*) AS n FROM test_sessions WHERE owner_id = ?'),
    // The unary + keeps SQLite on the project_id index (a few rows) instead of the owner_id one
    // (every session of the user), which it would otherwise pick without table statistics.
    listSessionsOfProject: db.prepare(
      `SELECT ${SESSION_COLUMNS} FROM test_sessions WHERE project_id = ? AND +owner_id = ?
       ORDER BY id LIMIT ? OFFSET ?`,
    ),
    countSessionsOfProject: db.prepare(
      'SELECT COUNT(*) AS n FROM test_sessions WHERE project_id = ? AND +owner_id = ?',
    ),
    ping: db.prepare('SELECT 1 AS ok'),
  } satisfies Record<string, StatementSync>;

  const count = (statement: StatementSync, ...params: (number | string)[]): number =>
    (statement.get(...params) as { n: number } | undefined)?.n ?? 0;
  const now = () => new Date().toISOString();

  return {
    findUserByEmail: (email) =>
      statements.userByEmail.get(email) as { id: number; password_hash: string } | undefined,
    createSession: (userId) => {
      const token = randomBytes(32).toString('hex');
      statements.insertSession.run(hashToken(token), userId, new Date().toISOString());
      return token;
    },
    findUserIdByToken: (token) =>
      (statements.userIdByToken.get(hashToken(token)) as { user_id: number } | undefined)?.user_id,
    listProjects: (ownerId, limit, offset) => ({
      items: statements.listProjects.all(ownerId, limit, offset) as unknown as Project[],
      total: count(statements.countProjects, ownerId),
    }),
    getProject: (ownerId, id) => statements.getProject.get(id, ownerId) as Project | undefined,
    searchProjects: (ownerId, term, limit, offset) => {
      const pattern = `%${term.replace(/[\\%_]/g, '\\$&')}%`;
      return {
        items: statements.searchProjects.all(
          ownerId,
          pattern,
          pattern,
          limit,
          offset,
        ) as unknown as Project[],
        total: count(statements.countFoundProjects, ownerId, pattern, pattern),
      };
    },
    createProjects: (ownerId, projects) =>
      inTransaction(db, () => {
        const createdAt = now();
        return projects.map((p) =>
          Number(
            statements.insertProjectId.run(
              ownerId,
              p.name,
              p.description,
              p.camera_model,
              p.camera_view,
              p.signal_type,
              createdAt,
            ).lastInsertRowid,
          ),
        );
      }),
    getProjectWithSessions: (ownerId, id, limit) => {
      const project = statements.getProject.get(id, ownerId) as Project | undefined;
      if (project === undefined) return undefined;
      return {
        ...project,
        test_sessions: statements.listSessionsOfProject.all(
          id,
          ownerId,
          limit,
          0,
        ) as unknown as TestSession[],
        test_session_total: count(statements.countSessionsOfProject, id, ownerId),
      };
    },
    createTestSessions: (ownerId, sessions) =>
      inTransaction(db, (): BulkResult => {
        const owned = new Map<number, boolean>();
        for (const [index, s] of sessions.entries()) {
          let isOwned = owned.get(s.project_id);
          if (isOwned === undefined) {
            isOwned = statements.ownsProject.get(s.project_id, ownerId) !== undefined;
            owned.set(s.project_id, isOwned);
          }
          if (!isOwned) return { ok: false, index, reason: `project ${s.project_id} not found` };
        }
        const createdAt = now();
        const ids = sessions.map((s) =>
          Number(
            statements.insertTestSession.run(
              s.name,
              s.video_id,
              s.tolerance_ms,
              s.status,
              createdAt,
              s.project_id,
            ).lastInsertRowid,
          ),
        );
        return { ok: true, ids };
      }),
    createDetectionEvents: (ownerId, sessionId, events) =>
      inTransaction(db, () => {
        if (statements.ownsTestSession.get(sessionId, ownerId) === undefined) return undefined;
        const createdAt = now();
        return events.map((e) =>
          Number(
            statements.insertEvent.run(
              sessionId,
              e.timestamp,
              e.confidence,
              e.class_label,
              e.validation_result,
              createdAt,
            ).lastInsertRowid,
          ),
        );
      }),
    summarizeDetectionEvents: (ownerId, sessionId) => {
      if (statements.ownsTestSession.get(sessionId, ownerId) === undefined) return undefined;
      const byResult = Object.fromEntries(VALIDATION_RESULTS.map((r) => [r, 0])) as Record<
        ValidationResult,
        number
      >;
      let total = 0;
      for (const row of statements.countEventsByResult.all(sessionId) as {
        result: ValidationResult;
        n: number;
      }[]) {
        byResult[row.result] = row.n;
        total += row.n;
      }
      return { test_session_id: sessionId, total, by_validation_result: byResult };
    },
    createProject: (ownerId, project) =>
      statements.insertProject.get(
        ownerId,
        project.name,
        project.description,
        project.camera_model,
        project.camera_view,
        project.signal_type,
        new Date().toISOString(),
      ) as unknown as Project,
    listTestSessions: (ownerId, projectId, limit, offset) =>
      projectId === undefined
        ? {
            items: statements.listSessions.all(ownerId, limit, offset) as unknown as TestSession[],
            total: count(statements.countSessions, ownerId),
          }
        : {
            items: statements.listSessionsOfProject.all(
              projectId,
              ownerId,
              limit,
              offset,
            ) as unknown as TestSession[],
            total: count(statements.countSessionsOfProject, projectId, ownerId),
          },
    ping: () => {
      statements.ping.get();
    },
  };
}
