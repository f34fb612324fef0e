// The sandbox's SQLite database: members and jobs, behind prepared statements.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ImageMember, Job, JobPairResult, JobStatus, JobType, MemberStatus } from "./types.ts";

const schemaVersion = 1;

const ddl = `
-- seq orders members and jobs by insertion. It is a plain rowid (max + 1), not AUTOINCREMENT: a
-- deleted number may come back, but only above every row that exists, which is all the order needs,
-- and it spares every insert a write to sqlite_sequence.
CREATE TABLE IF NOT EXISTS members (
  seq        INTEGER PRIMARY KEY,
  image_id   TEXT NOT NULL,
  member_id  TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (image_id, member_id)
);
CREATE TABLE IF NOT EXISTS jobs (
  seq         INTEGER PRIMARY KEY,
  job_id      TEXT NOT NULL UNIQUE,
  project_id  TEXT NOT NULL,
  job_type    TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('INIT', 'RUNNING', 'SUCCESS', 'FAIL')),
  begin_time  TEXT NOT NULL,
  end_time    TEXT,
  error_code  TEXT,
  fail_reason TEXT,
  images      TEXT NOT NULL,
  projects    TEXT NOT NULL,
  total       INTEGER NOT NULL,
  done        INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_unfinished ON jobs (status) WHERE status IN ('INIT', 'RUNNING');
-- One row per image x project pair of a job, numbered in the job's order. The key makes a second
-- write of the same pair impossible.
CREATE TABLE IF NOT EXISTS job_results (
  job_id      TEXT NOT NULL,
  pair        INTEGER NOT NULL,
  image_id    TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('success', 'failed')),
  error_code  TEXT,
  fail_reason TEXT,
  PRIMARY KEY (job_id, pair)
) WITHOUT ROWID;
`;

/** A member as stored: the contract's ImageMember without its constant `schema` field. */
export type MemberRow = Omit<ImageMember, "schema">;

/** A job as stored: the contract's Job fields, the owning project, the request and the progress. */
export interface JobRow extends Omit<Job, "entities"> {
  project_id: string;
  /** JSON array of image ids. */
  images: string;
  /** JSON array of project ids. */
  projects: string;
  total: number;
  done: number;
  failed: number;
}

/** One pair's outcome as stored: the contract's JobPairResult, numbered, with SQL nulls for absent fields. */
export interface JobResultRow extends Pick<JobPairResult, "image_id" | "project_id" | "status"> {
  pair: number;
  error_code: string | null;
  fail_reason: string | null;
}

/**
 * Result rows for a multi-row insert, flat: job id, pair, image id, project id, status, error
 * code, fail reason, then the next row.
 */
export type ResultValues = (string | number | null)[];

/** Rows per multi-row INSERT: large enough to amortise the statement, small enough for SQLite's variable limit. */
const rowsPerInsert = 100;

export class DatabaseError extends Error {
  override name = "DatabaseError";
}

/**
 * Opens (and creates if needed) the database; `:memory:` for a throwaway one. A file is used in
 * WAL mode with `synchronous = NORMAL`: a commit appends to the WAL without waiting for the disk,
 * and only checkpoints sync. Every commit survives the process being killed (the WAL is replayed on
 * the next open); an operating-system crash or power cut may lose the last commits, never the
 * database's consistency. The file is also locked for this connection alone (`locking_mode =
 * EXCLUSIVE`), which spares every transaction its file-lock system calls and the shared-memory
 * index; the price is that no other process can open the file while the sandbox runs.
 */
export function openDatabase(file: string): Database.Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw new DatabaseError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    if (file !== ":memory:") {
      // In this order: exclusive first, so that WAL keeps its index in the heap rather than in shared memory.
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
    }
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version !== 0 && version !== schemaVersion) {
      throw new DatabaseError(
        `database ${file} has schema version ${version}, this sandbox writes ${schemaVersion}; delete the file or use --memory`,
      );
    }
    db.exec(ddl);
    db.pragma(`user_version = ${schemaVersion}`);
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot use database ${file}: ${(error as Error).message}`);
  }
  return db;
}

function prepareStatements(db: Database.Database) {
  const cols = "member_id, image_id, status, created_at, updated_at";
  return {
    member: db.prepare<[string, string], MemberRow>(`SELECT ${cols} FROM members WHERE image_id = ? AND member_id = ?`),
    isMember: db
      .prepare<[string, string], number>("SELECT 1 FROM members WHERE image_id = ? AND member_id = ?")
      .pluck(),
    memberIds: db.prepare<[string], string>("SELECT member_id FROM members WHERE image_id = ?").pluck(),
    members: db.prepare<[string], MemberRow>(`SELECT ${cols} FROM members WHERE image_id = ? ORDER BY seq`),
    memberCount: db.prepare<[string], number>("SELECT count(*) FROM members WHERE image_id = ?").pluck(),
    insertMember: db.prepare<[string, string, string, string]>(
      "INSERT INTO members (image_id, member_id, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)",
    ),
    updateMember: db.prepare<[MemberStatus, string, string, string]>(
      "UPDATE members SET status = ?, updated_at = ? WHERE image_id = ? AND member_id = ?",
    ),
    deleteMember: db.prepare<[string, string]>("DELETE FROM members WHERE image_id = ? AND member_id = ?"),
    insertJob: db.prepare<[string, string, string, string, string, string, number]>(
      "INSERT INTO jobs (job_id, project_id, job_type, status, begin_time, images, projects, total) VALUES (?, ?, ?, 'INIT', ?, ?, ?, ?)",
    ),
    job: db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE job_id = ?"),
    unfinishedJobs: db
      .prepare<[], string>("SELECT job_id FROM jobs WHERE status IN ('INIT', 'RUNNING') ORDER BY seq")
      .pluck(),
    unfinishedJobCount: db
      .prepare<[string], number>("SELECT count(*) FROM jobs WHERE project_id = ? AND status IN ('INIT', 'RUNNING')")
      .pluck(),
    advanceJob: db.prepare<[number, number, string]>(
      "UPDATE jobs SET status = 'RUNNING', done = ?, failed = ? WHERE job_id = ?",
    ),
    finishJob: db.prepare<[JobStatus, string, string | null, string | null, string]>(
      "UPDATE jobs SET status = ?, end_time = ?, error_code = ?, fail_reason = ? WHERE job_id = ?",
    ),
    firstFailureCode: db
      .prepare<[string], string | null>(
        "SELECT error_code FROM job_results WHERE job_id = ? AND status = 'failed' ORDER BY pair LIMIT 1",
      )
      .pluck(),
    results: db.prepare<[string], JobResultRow>(
      "SELECT pair, image_id, project_id, status, error_code, fail_reason FROM job_results WHERE job_id = ? ORDER BY pair",
    ),
  };
}

/** Every query the sandbox runs, prepared once. */
export class Store {
  private readonly s: ReturnType<typeof prepareStatements>;
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;

  /** Multi-row INSERT statements by table and row count, prepared when first needed. */
  private readonly multiRow = new Map<string, Database.Statement<unknown[]>>();

  constructor(readonly db: Database.Database) {
    this.s = prepareStatements(db);
    this.transaction = db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` in a read transaction, so that several reads see one state of the database. */
  read<T>(fn: () => T): T {
    return this.transaction.deferred(fn) as T;
  }

  /** Runs `fn` in a write transaction taken at once (BEGIN IMMEDIATE), so checks and writes cannot interleave. */
  write<T>(fn: () => T): T {
    return this.transaction.immediate(fn) as T;
  }

  member(imageId: string, memberId: string): MemberRow | undefined {
    return this.s.member.get(imageId, memberId);
  }
  isMember(imageId: string, memberId: string): boolean {
    return this.s.isMember.get(imageId, memberId) !== undefined;
  }
  memberIds(imageId: string): string[] {
    return this.s.memberIds.all(imageId);
  }
  members(imageId: string): MemberRow[] {
    return this.s.members.all(imageId);
  }
  memberCount(imageId: string): number {
    return this.s.memberCount.get(imageId) ?? 0;
  }
  insertMember(imageId: string, memberId: string, now: string): void {
    this.s.insertMember.run(imageId, memberId, now, now);
  }
  updateMember(imageId: string, memberId: string, status: MemberStatus, now: string): void {
    this.s.updateMember.run(status, now, imageId, memberId);
  }
  deleteMember(imageId: string, memberId: string): boolean {
    return this.s.deleteMember.run(imageId, memberId).changes > 0;
  }

  insertJob(job: {
    jobId: string;
    projectId: string;
    jobType: JobType;
    beginTime: string;
    images: string[];
    projects: string[];
  }): void {
    this.s.insertJob.run(
      job.jobId,
      job.projectId,
      job.jobType,
      job.beginTime,
      JSON.stringify(job.images),
      JSON.stringify(job.projects),
      job.images.length * job.projects.length,
    );
  }
  job(jobId: string): JobRow | undefined {
    return this.s.job.get(jobId);
  }
  unfinishedJobs(): string[] {
    return this.s.unfinishedJobs.all();
  }
  unfinishedJobCount(projectId: string): number {
    return this.s.unfinishedJobCount.get(projectId) ?? 0;
  }
  advanceJob(jobId: string, done: number, failed: number): void {
    this.s.advanceJob.run(done, failed, jobId);
  }
  finishJob(
    jobId: string,
    status: "SUCCESS" | "FAIL",
    endTime: string,
    errorCode: string | null,
    failReason: string | null,
  ): void {
    this.s.finishJob.run(status, endTime, errorCode, failReason, jobId);
  }

  /** Adds pending members, given flat as image id, member id, image id, member id, ... */
  insertMembers(pairs: string[], now: string): void {
    const values: string[] = [];
    for (let i = 0; i < pairs.length; i += 2) values.push(pairs[i] as string, pairs[i + 1] as string, now, now);
    this.insertRows(
      "members (image_id, member_id, status, created_at, updated_at)",
      "(?, ?, 'pending', ?, ?)",
      4,
      values,
    );
  }
  insertResults(values: ResultValues): void {
    this.insertRows(
      "job_results (job_id, pair, image_id, project_id, status, error_code, fail_reason)",
      "(?, ?, ?, ?, ?, ?, ?)",
      7,
      values,
    );
  }

  /** Inserts flat `values`, `width` to a row, `rowsPerInsert` rows per statement. */
  private insertRows(target: string, row: string, width: number, values: unknown[]): void {
    const rows = values.length / width;
    for (let first = 0; first < rows; first += rowsPerInsert) {
      const count = Math.min(rowsPerInsert, rows - first);
      const key = `${target} ${count}`;
      let statement = this.multiRow.get(key);
      if (!statement) {
        statement = this.db.prepare<unknown[]>(`INSERT INTO ${target} VALUES ${Array(count).fill(row).join(", ")}`);
        this.multiRow.set(key, statement);
      }
      statement.run(values.slice(first * width, (first + count) * width));
    }
  }

  firstFailureCode(jobId: string): string | undefined {
    return this.s.firstFailureCode.get(jobId) ?? undefined;
  }
  results(jobId: string): JobResultRow[] {
    return this.s.results.all(jobId);
  }
}
