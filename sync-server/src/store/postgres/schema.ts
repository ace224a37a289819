// PostgreSQL schema, versioned like the SQLite one: append a step, never edit a released one.
// Applied under an advisory lock, so processes starting together migrate once.
export const POSTGRES_MIGRATIONS: readonly string[] = [
	// 1: the SQLite schema's tables, with the types PostgreSQL has for them.
	`
	CREATE TABLE accounts (
		id TEXT PRIMARY KEY,
		email TEXT NOT NULL UNIQUE,
		org_id TEXT NOT NULL,
		full_name TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		must_change_password INTEGER NOT NULL DEFAULT 0,
		temporary_expires_at BIGINT,
		disabled INTEGER NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL
	);
	CREATE INDEX accounts_org ON accounts (org_id);
	CREATE TABLE sessions (
		id TEXT PRIMARY KEY,
		account_id TEXT NOT NULL REFERENCES accounts (id),
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		revoked_at BIGINT,
		revoked_reason TEXT
	);
	CREATE INDEX sessions_account ON sessions (account_id);
	CREATE TABLE refresh_tokens (
		token_hash BYTEA PRIMARY KEY,
		session_id TEXT NOT NULL REFERENCES sessions (id),
		expires_at BIGINT NOT NULL,
		used_at BIGINT
	);
	CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
	CREATE TABLE access_tokens (
		token_hash BYTEA PRIMARY KEY,
		session_id TEXT NOT NULL REFERENCES sessions (id),
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX access_tokens_session ON access_tokens (session_id);
	CREATE TABLE documents (
		name TEXT PRIMARY KEY,
		snapshot BYTEA,
		snapshot_seq BIGINT NOT NULL DEFAULT 0,
		last_seq BIGINT NOT NULL DEFAULT 0,
		bytes BIGINT NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL
	);
	CREATE TABLE document_updates (
		doc TEXT NOT NULL,
		seq BIGINT NOT NULL,
		data BYTEA NOT NULL,
		PRIMARY KEY (doc, seq)
	);
	CREATE TABLE document_access (
		org_id TEXT NOT NULL,
		doc TEXT NOT NULL,
		access TEXT NOT NULL,
		PRIMARY KEY (org_id, doc)
	);
	CREATE INDEX document_access_doc ON document_access (doc);
	CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	`
];
