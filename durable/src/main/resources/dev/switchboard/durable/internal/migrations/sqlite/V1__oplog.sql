-- Workers and their leases. Lease times are milliseconds since the epoch by the database's clock,
-- so that every process sharing the oplog measures expiry against one clock.
CREATE TABLE sb_workers (
  worker_id        TEXT    NOT NULL PRIMARY KEY,
  incarnation      TEXT    NOT NULL,
  lease_owner      TEXT,
  lease_token      INTEGER NOT NULL,
  lease_expires_at INTEGER NOT NULL,
  created_at       INTEGER NOT NULL
);

-- One row per call: the intent columns are committed first (for calls that need an intent), the
-- outcome columns when the result arrives. outcome IS NULL marks an open intent.
CREATE TABLE sb_oplog (
  worker_id       TEXT    NOT NULL,
  seq             INTEGER NOT NULL,
  kind            TEXT    NOT NULL,
  function_name   TEXT    NOT NULL,
  idempotency     TEXT    NOT NULL,
  request_hash    TEXT    NOT NULL,
  request         TEXT    NOT NULL,
  idempotency_key TEXT,
  started_at      INTEGER NOT NULL,
  intent_crc      INTEGER NOT NULL,
  outcome         TEXT,
  result          BLOB,
  completed_at    INTEGER,
  result_crc      INTEGER,
  PRIMARY KEY (worker_id, seq)
) WITHOUT ROWID;

CREATE TABLE sb_snapshots (
  worker_id  TEXT    NOT NULL PRIMARY KEY,
  seq        INTEGER NOT NULL,
  state      BLOB    NOT NULL,
  created_at INTEGER NOT NULL,
  crc        INTEGER NOT NULL
);
