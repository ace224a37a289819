// Versioned schema migrations: append a new step, never edit a released one (user_version = count).
import type Database from 'better-sqlite3';

export type Migration = (db: Database.Database) => void;

export const MIGRATIONS: readonly Migration[] = [
	// 1: accounts and sessions, documents as a snapshot plus the updates accepted since.
	(db) => {
		db.exec(`
			CREATE TABLE accounts (
				id TEXT PRIMARY KEY,
				email TEXT NOT NULL UNIQUE,
				org_id TEXT NOT NULL,
				full_name TEXT NOT NULL,
				password_hash TEXT NOT NULL,
				must_change_password INTEGER NOT NULL DEFAULT 0,
				temporary_expires_at INTEGER,
				disabled INTEGER NOT NULL DEFAULT 0,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL
			);
			CREATE INDEX accounts_org ON accounts (org_id);
			CREATE TABLE sessions (
				id TEXT PRIMARY KEY,
				account_id TEXT NOT NULL REFERENCES accounts (id),
				created_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				revoked_at INTEGER,
				revoked_reason TEXT
			);
			CREATE INDEX sessions_account ON sessions (account_id);
			CREATE TABLE refresh_tokens (
				token_hash BLOB PRIMARY KEY,
				session_id TEXT NOT NULL REFERENCES sessions (id),
				expires_at INTEGER NOT NULL,
				used_at INTEGER
			) WITHOUT ROWID;
			CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
			CREATE TABLE access_tokens (
				token_hash BLOB PRIMARY KEY,
				session_id TEXT NOT NULL REFERENCES sessions (id),
				expires_at INTEGER NOT NULL
			) WITHOUT ROWID;
			CREATE INDEX access_tokens_session ON access_tokens (session_id);
			CREATE TABLE documents (
				name TEXT PRIMARY KEY,
				snapshot BLOB,
				snapshot_seq INTEGER NOT NULL DEFAULT 0,
				last_seq INTEGER NOT NULL DEFAULT 0,
				bytes INTEGER NOT NULL DEFAULT 0,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL
			);
			-- A rowid table: appends go to the end of the b-tree (blob rows are too big for WITHOUT ROWID).
			CREATE TABLE document_updates (
				id INTEGER PRIMARY KEY,
				doc TEXT NOT NULL,
				seq INTEGER NOT NULL,
				data BLOB NOT NULL
			);
			CREATE UNIQUE INDEX document_updates_doc_seq ON document_updates (doc, seq);
			CREATE TABLE document_access (
				org_id TEXT NOT NULL,
				doc TEXT NOT NULL,
				access TEXT NOT NULL,
				PRIMARY KEY (org_id, doc)
			) WITHOUT ROWID;
			CREATE INDEX document_access_doc ON document_access (doc);
			CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
		`);
	},
	// 2: where each invitation link's token hash was created, so redeeming a link is a lookup.
	(db) => {
		db.exec(`
			CREATE TABLE invitation_tokens (
				token_hash TEXT NOT NULL,
				org_id TEXT NOT NULL,
				invitation_id TEXT NOT NULL,
				PRIMARY KEY (token_hash, org_id, invitation_id)
			) WITHOUT ROWID;
		`);
	},
	// 3: enrollment (issue 7): the Partner Membership Center registry the program operator keeps,
	// primary-contact verification tokens (hashes only), and the last status emailed per application.
	(db) => {
		db.exec(`
			CREATE TABLE pmc_accounts (
				user_name TEXT PRIMARY KEY,
				password_hash TEXT NOT NULL,
				created_at INTEGER NOT NULL
			);
			CREATE TABLE pmc_profiles (
				mpn_id TEXT PRIMARY KEY,
				legal_name TEXT NOT NULL,
				country TEXT NOT NULL,
				created_at INTEGER NOT NULL
			);
			CREATE TABLE pmc_profile_accounts (
				mpn_id TEXT NOT NULL REFERENCES pmc_profiles (mpn_id),
				user_name TEXT NOT NULL REFERENCES pmc_accounts (user_name),
				PRIMARY KEY (mpn_id, user_name)
			) WITHOUT ROWID;
			CREATE INDEX pmc_profile_accounts_user ON pmc_profile_accounts (user_name);
			CREATE TABLE email_verifications (
				token_hash BLOB PRIMARY KEY,
				org_id TEXT NOT NULL,
				email TEXT NOT NULL,
				created_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				used_at INTEGER
			) WITHOUT ROWID;
			CREATE INDEX email_verifications_org ON email_verifications (org_id);
			CREATE TABLE enrollment_notices (
				org_id TEXT PRIMARY KEY,
				status TEXT NOT NULL,
				updated_at INTEGER NOT NULL
			) WITHOUT ROWID;
		`);
	},
	// 4: who writes for each Yjs client id of a document (issue 19): an account, or the server. The
	// first connection to write an id claims it for its account; nobody else may write for it.
	(db) => {
		db.exec(`
			CREATE TABLE document_clients (
				doc TEXT NOT NULL,
				client INTEGER NOT NULL,
				owner TEXT NOT NULL,
				PRIMARY KEY (doc, client)
			) WITHOUT ROWID;
		`);
	}
];
