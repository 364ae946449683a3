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

const SESSION_STATUSES = ['completed', 'completed', 'running', 'pending'] as const;

/**
 * Seeds the demo user (`test@example.com` / `password`) with a few projects and test sessions so
 * that lists are not empty, unless that user already exists (a reused database file).
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
        insertSession.run(`${project.name} run ${run + 1}`, null, 100, status, now, id);
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
    countProjects: db.prepare('SELECT COUNT(*) AS n FROM projects WHERE owner_id = ?'),
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

  const count = (statement: StatementSync, ...params: number[]): number =>
    (statement.get(...params) as { n: number }).n;

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
