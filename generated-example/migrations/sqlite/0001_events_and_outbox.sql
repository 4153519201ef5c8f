-- Append-only events of every user aggregate. The primary key is the optimistic lock:
-- a writer that decided on a stale state inserts a sequence that already exists and fails.
CREATE TABLE events (
    aggregate_id   TEXT    NOT NULL,
    sequence       BIGINT  NOT NULL,
    event_type     TEXT    NOT NULL,
    resource_owner TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL, -- microseconds since the Unix epoch
    PRIMARY KEY (aggregate_id, sequence)
);

-- The SMS messages handed to the default notifier, oldest first.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT    NOT NULL,
    phone      TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    created_at BIGINT  NOT NULL -- microseconds since the Unix epoch
);
