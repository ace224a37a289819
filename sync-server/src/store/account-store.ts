// Accounts, sessions and their tokens in SQLite (tokens only as SHA-256 hashes).
import type { SqliteDatabase } from './database.js';

export interface AccountRow {
	id: string;
	email: string;
	org_id: string;
	full_name: string;
	password_hash: string;
	must_change_password: number;
	temporary_expires_at: number | null;
	disabled: number;
	created_at: number;
	updated_at: number;
}

export interface SessionRow {
	id: string;
	account_id: string;
	created_at: number;
	expires_at: number;
	revoked_at: number | null;
}

export interface NewAccount {
	readonly id: string;
	readonly email: string;
	readonly orgId: string;
	readonly fullName: string;
	readonly passwordHash: string;
	readonly mustChangePassword: boolean;
	readonly temporaryExpiresAt: number | null;
}

export class AccountStore {
	readonly #db: SqliteDatabase;
	readonly #s;

	constructor(db: SqliteDatabase) {
		this.#db = db;
		this.#s = {
			byEmail: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE email = ?'),
			byId: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?'),
			count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM accounts'),
			orgs: db.prepare<[], { org_id: string }>('SELECT DISTINCT org_id FROM accounts'),
			byOrg: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE org_id = ?'),
			lastSignIns: db.prepare<[string], { id: string; last: number | null }>(
				`SELECT a.id AS id, MAX(s.created_at) AS last FROM accounts a
				 LEFT JOIN sessions s ON s.account_id = a.id WHERE a.org_id = ? GROUP BY a.id`
			),
			insert: db.prepare(
				`INSERT INTO accounts (id, email, org_id, full_name, password_hash, must_change_password,
				 temporary_expires_at, disabled, created_at, updated_at)
				 VALUES (@id, @email, @orgId, @fullName, @passwordHash, @mustChange, @temporaryExpiresAt, 0, @now, @now)`
			),
			setPassword: db.prepare<[string, number, number, string]>(
				`UPDATE accounts SET password_hash = ?, must_change_password = ?, temporary_expires_at = NULL,
				 updated_at = ? WHERE id = ?`
			),
			setProfile: db.prepare<[string, string, number, string]>(
				'UPDATE accounts SET email = ?, full_name = ?, updated_at = ? WHERE id = ?'
			),
			removeUnused: db.prepare<[string]>(
				'DELETE FROM accounts WHERE id = ? AND NOT EXISTS (SELECT 1 FROM sessions WHERE account_id = accounts.id)'
			),
			setDisabled: db.prepare<[number, number, string]>(
				'UPDATE accounts SET disabled = ?, updated_at = ? WHERE id = ?'
			),
			setMustChange: db.prepare<[number, number, string]>(
				'UPDATE accounts SET must_change_password = ?, updated_at = ? WHERE id = ?'
			),
			insertSession: db.prepare<[string, string, number, number]>(
				'INSERT INTO sessions (id, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)'
			),
			session: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
			revokeSession: db.prepare<[number, string, string]>(
				'UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL'
			),
			liveSessions: db.prepare<[string, number], { id: string }>(
				'SELECT id FROM sessions WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?'
			),
			dropAccessOfSession: db.prepare<[string]>('DELETE FROM access_tokens WHERE session_id = ?'),
			insertAccess: db.prepare<[Buffer, string, number]>(
				'INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)'
			),
			access: db.prepare<[Buffer], { session_id: string; expires_at: number }>(
				'SELECT session_id, expires_at FROM access_tokens WHERE token_hash = ?'
			),
			insertRefresh: db.prepare<[Buffer, string, number]>(
				'INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)'
			),
			refresh: db.prepare<
				[Buffer],
				{ session_id: string; expires_at: number; used_at: number | null }
			>('SELECT session_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = ?'),
			useRefresh: db.prepare<[number, Buffer]>(
				'UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'
			),
			purgeAccess: db.prepare<[number]>('DELETE FROM access_tokens WHERE expires_at < ?'),
			purgeRefresh: db.prepare<[number]>('DELETE FROM refresh_tokens WHERE expires_at < ?')
		};
	}

	count(): number {
		return this.#s.count.get()?.n ?? 0;
	}

	orgIds(): string[] {
		return this.#s.orgs.all().map((row) => row.org_id);
	}

	byEmail(email: string): AccountRow | undefined {
		return this.#s.byEmail.get(email);
	}

	byId(id: string): AccountRow | undefined {
		return this.#s.byId.get(id);
	}

	byOrg(orgId: string): AccountRow[] {
		return this.#s.byOrg.all(orgId);
	}

	/** When each account of an org last signed in (a session starts only at sign-in). */
	lastSignIns(orgId: string): { id: string; last: number | null }[] {
		return this.#s.lastSignIns.all(orgId);
	}

	insert(account: NewAccount, now: number): void {
		this.#s.insert.run({
			id: account.id,
			email: account.email,
			orgId: account.orgId,
			fullName: account.fullName,
			passwordHash: account.passwordHash,
			mustChange: account.mustChangePassword ? 1 : 0,
			temporaryExpiresAt: account.temporaryExpiresAt,
			now
		});
	}

	setPassword(id: string, hash: string, mustChange: boolean, now: number): void {
		this.#s.setPassword.run(hash, mustChange ? 1 : 0, now, id);
	}

	setProfile(id: string, email: string, fullName: string, now: number): void {
		this.#s.setProfile.run(email, fullName, now, id);
	}

	/**
	 * Removes an account that never signed in and whose user no log holds (its org was never
	 * written), so its email can be used again. False when it had sessions (it is kept).
	 */
	removeUnused(id: string): boolean {
		return this.#s.removeUnused.run(id).changes > 0;
	}

	setDisabled(id: string, disabled: boolean, now: number): void {
		this.#s.setDisabled.run(disabled ? 1 : 0, now, id);
	}

	setMustChangePassword(id: string, mustChange: boolean, now: number): void {
		this.#s.setMustChange.run(mustChange ? 1 : 0, now, id);
	}

	createSession(id: string, accountId: string, now: number, expiresAt: number): void {
		this.#s.insertSession.run(id, accountId, now, expiresAt);
	}

	session(id: string): SessionRow | undefined {
		return this.#s.session.get(id);
	}

	/** Revokes a session and deletes its access tokens at once; true if it was live. */
	revokeSession(id: string, reason: string, now: number): boolean {
		return this.#db.transaction(() => {
			this.#s.dropAccessOfSession.run(id);
			return this.#s.revokeSession.run(now, reason, id).changes > 0;
		})();
	}

	liveSessionIds(accountId: string, now: number): string[] {
		return this.#s.liveSessions.all(accountId, now).map((row) => row.id);
	}

	addAccessToken(hash: Buffer, sessionId: string, expiresAt: number): void {
		this.#s.insertAccess.run(hash, sessionId, expiresAt);
	}

	accessToken(hash: Buffer): { session_id: string; expires_at: number } | undefined {
		return this.#s.access.get(hash);
	}

	addRefreshToken(hash: Buffer, sessionId: string, expiresAt: number): void {
		this.#s.insertRefresh.run(hash, sessionId, expiresAt);
	}

	refreshToken(
		hash: Buffer
	): { session_id: string; expires_at: number; used_at: number | null } | undefined {
		return this.#s.refresh.get(hash);
	}

	/** Marks a refresh token used; false when it already was (a reuse). */
	useRefreshToken(hash: Buffer, now: number): boolean {
		return this.#s.useRefresh.run(now, hash).changes > 0;
	}

	purgeExpired(now: number): void {
		this.#s.purgeAccess.run(now);
		this.#s.purgeRefresh.run(now);
	}

	transaction<T>(fn: () => T): T {
		return this.#db.transaction(fn)();
	}
}
