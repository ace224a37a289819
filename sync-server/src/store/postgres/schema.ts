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
	`,
	// 2: invitation links' token hashes (SQLite 2) and enrollment (SQLite 3): the Partner Membership
	// Center registry, primary-contact verification tokens (hashes only), the last status emailed.
	`
	CREATE TABLE invitation_tokens (
		token_hash TEXT NOT NULL,
		org_id TEXT NOT NULL,
		invitation_id TEXT NOT NULL,
		PRIMARY KEY (token_hash, org_id, invitation_id)
	);
	CREATE TABLE pmc_accounts (
		user_name TEXT PRIMARY KEY,
		password_hash TEXT NOT NULL,
		created_at BIGINT NOT NULL
	);
	CREATE TABLE pmc_profiles (
		mpn_id TEXT PRIMARY KEY,
		legal_name TEXT NOT NULL,
		country TEXT NOT NULL,
		created_at BIGINT NOT NULL
	);
	CREATE TABLE pmc_profile_accounts (
		mpn_id TEXT NOT NULL REFERENCES pmc_profiles (mpn_id),
		user_name TEXT NOT NULL REFERENCES pmc_accounts (user_name),
		PRIMARY KEY (mpn_id, user_name)
	);
	CREATE INDEX pmc_profile_accounts_user ON pmc_profile_accounts (user_name);
	CREATE TABLE email_verifications (
		token_hash BYTEA PRIMARY KEY,
		org_id TEXT NOT NULL,
		email TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		used_at BIGINT
	);
	CREATE INDEX email_verifications_org ON email_verifications (org_id);
	CREATE TABLE enrollment_notices (
		org_id TEXT PRIMARY KEY,
		status TEXT NOT NULL,
		updated_at BIGINT NOT NULL
	);
	`,
	// 3: who writes for each Yjs client id of a document (SQLite 4). Client ids are uint32.
	`
	CREATE TABLE document_clients (
		doc TEXT NOT NULL,
		client BIGINT NOT NULL,
		owner TEXT NOT NULL,
		PRIMARY KEY (doc, client)
	);
	`
];
