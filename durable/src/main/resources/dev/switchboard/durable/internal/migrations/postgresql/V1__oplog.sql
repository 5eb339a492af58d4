-- Workers and their leases. Lease times are milliseconds since the epoch by the database's clock,
-- so that every process sharing the oplog measures expiry against one clock.
CREATE TABLE sb_workers (
  worker_id        TEXT   NOT NULL PRIMARY KEY,
  incarnation      TEXT   NOT NULL,
  lease_owner      TEXT,
  lease_token      BIGINT NOT NULL,
  lease_expires_at BIGINT NOT NULL,
  created_at       BIGINT NOT NULL
);

-- One row per call: the intent columns are committed first (for calls that need an intent), the
-- outcome columns when the result arrives. outcome IS NULL marks an open intent.
CREATE TABLE sb_oplog (
  worker_id       TEXT   NOT NULL,
  seq             BIGINT NOT NULL,
  kind            TEXT   NOT NULL,
  function_name   TEXT   NOT NULL,
  idempotency     TEXT   NOT NULL,
  request_hash    TEXT   NOT NULL,
  request         TEXT   NOT NULL,
  idempotency_key TEXT,
  started_at      BIGINT NOT NULL,
  intent_crc      BIGINT NOT NULL,
  outcome         TEXT,
  result          BYTEA,
  completed_at    BIGINT,
  result_crc      BIGINT,
  PRIMARY KEY (worker_id, seq)
);

CREATE TABLE sb_snapshots (
  worker_id  TEXT   NOT NULL PRIMARY KEY,
  seq        BIGINT NOT NULL,
  state      BYTEA  NOT NULL,
  created_at BIGINT NOT NULL,
  crc        BIGINT NOT NULL
);
