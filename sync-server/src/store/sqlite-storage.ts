// The embedded default: one SQLite file (WAL) in the data directory, for one server process.
// Its calls are synchronous underneath (better-sqlite3); the async surface is the shared interface.
import { AccountStore } from './account-store.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { DocumentStore } from './document-store.js';
import type {
	AccessStorage,
	AccountStorage,
	DocumentStorage,
	DocumentWrite,
	EnrollmentStorage,
	InvitationTokenStorage,
	MetaStorage,
	Storage
} from './storage.js';

function accessStorage(db: SqliteDatabase): AccessStorage {
	const s = {
		forOrg: db.prepare<[string], { doc: string }>(
			'SELECT doc FROM document_access WHERE org_id = ? ORDER BY doc'
		),
		forDoc: db.prepare<[string], { org_id: string; access: string }>(
			'SELECT org_id, access FROM document_access WHERE doc = ?'
		),
		put: db.prepare<[string, string, string]>(
			'INSERT OR REPLACE INTO document_access (org_id, doc, access) VALUES (?, ?, ?)'
		),
		remove: db.prepare<[string, string]>(
			'DELETE FROM document_access WHERE org_id = ? AND doc = ?'
		),
		count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM document_access')
	};
	return {
		forDocument: async (doc) => new Map(s.forDoc.all(doc).map((row) => [row.org_id, row.access])),
		forOrg: async (orgId) => s.forOrg.all(orgId).map((row) => row.doc),
		write: async (rows) => {
			db.transaction(() => {
				for (const row of rows) {
					if (row.access === null) s.remove.run(row.orgId, row.doc);
					else s.put.run(row.orgId, row.doc, row.access);
				}
			})();
		},
		count: async () => s.count.get()?.n ?? 0
	};
}

function documentStorage(db: SqliteDatabase): DocumentStorage {
	const store = new DocumentStore(db);
	return {
		exists: async (name) => store.exists(name),
		names: async () => store.names(),
		load: async (name) => store.load(name),
		since: async (name, afterSeq) => store.since(name, afterSeq),
		append: async (writes: readonly DocumentWrite[], now: number) => {
			const seqs: number[] = [];
			try {
				store.transaction(() => {
					for (const write of writes) {
						const seq = store.nextSeq(write.name);
						store.append(write.name, seq, write.update, now);
						seqs.push(seq);
					}
				});
			} catch (error) {
				store.forgetSeqs();
				throw error;
			}
			return seqs;
		},
		compact: async (name, snapshot, uptoSeq, now) => store.compact(name, snapshot, uptoSeq, now),
		claimClients: async (name, fresh, existing, owner) =>
			store.claimClients(name, fresh, existing, owner),
		// One process owns the file: its documents' queues already serialize such decisions.
		withLocks: (_names, task) => task()
	};
}

function accountStorage(db: SqliteDatabase): AccountStorage {
	const store = new AccountStore(db);
	return {
		count: async () => store.count(),
		orgIds: async () => store.orgIds(),
		byEmail: async (email) => store.byEmail(email),
		byId: async (id) => store.byId(id),
		byOrg: async (orgId) => store.byOrg(orgId),
		insert: async (account, now) => {
			if (store.byId(account.id) || store.byEmail(account.email)) return false;
			store.insert(account, now);
			return true;
		},
		setPassword: async (id, hash, mustChange, now) => store.setPassword(id, hash, mustChange, now),
		setProfile: async (id, email, fullName, now) => store.setProfile(id, email, fullName, now),
		removeUnused: async (id) => store.removeUnused(id),
		setDisabled: async (id, disabled, now) => store.setDisabled(id, disabled, now),
		setMustChangePassword: async (id, mustChange, now) =>
			store.setMustChangePassword(id, mustChange, now),
		createSession: async (id, accountId, now, expiresAt) =>
			store.createSession(id, accountId, now, expiresAt),
		session: async (id) => store.session(id),
		revokeSession: async (id, reason, now) => store.revokeSession(id, reason, now),
		liveSessionIds: async (accountId, now) => store.liveSessionIds(accountId, now),
		addTokens: async (sessionId, access, refresh) => {
			store.transaction(() => {
				store.addAccessToken(access.hash, sessionId, access.expiresAt);
				store.addRefreshToken(refresh.hash, sessionId, refresh.expiresAt);
			});
		},
		accessToken: async (hash) => store.accessToken(hash),
		refreshToken: async (hash) => store.refreshToken(hash),
		useRefreshToken: async (hash, now) => store.useRefreshToken(hash, now),
		purgeExpired: async (now) => store.purgeExpired(now),
		lastSignIns: async (orgId) => store.lastSignIns(orgId)
	};
}

function invitationTokenStorage(db: SqliteDatabase): InvitationTokenStorage {
	const s = {
		find: db.prepare<[string, number], { org_id: string; invitation_id: string }>(
			'SELECT org_id, invitation_id FROM invitation_tokens WHERE token_hash = ? LIMIT ?'
		),
		put: db.prepare<[string, string, string]>(
			'INSERT OR IGNORE INTO invitation_tokens (token_hash, org_id, invitation_id) VALUES (?, ?, ?)'
		),
		clear: db.prepare('DELETE FROM invitation_tokens')
	};
	return {
		find: async (tokenHash, limit) =>
			s.find
				.all(tokenHash, limit)
				.map((row) => ({ orgId: row.org_id, invitationId: row.invitation_id })),
		put: async (rows, replace = false) => {
			db.transaction(() => {
				if (replace) s.clear.run();
				for (const row of rows) s.put.run(row.tokenHash, row.orgId, row.invitationId);
			})();
		}
	};
}

function enrollmentStorage(db: SqliteDatabase): EnrollmentStorage {
	const s = {
		account: db.prepare<[string], { password_hash: string }>(
			'SELECT password_hash FROM pmc_accounts WHERE user_name = ?'
		),
		putAccount: db.prepare<[string, string, number]>(
			`INSERT INTO pmc_accounts (user_name, password_hash, created_at) VALUES (?, ?, ?)
			 ON CONFLICT (user_name) DO UPDATE SET password_hash = excluded.password_hash`
		),
		putProfile: db.prepare<[string, string, string, number]>(
			`INSERT INTO pmc_profiles (mpn_id, legal_name, country, created_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (mpn_id) DO UPDATE SET legal_name = excluded.legal_name, country = excluded.country`
		),
		allow: db.prepare<[string, string]>(
			'INSERT OR IGNORE INTO pmc_profile_accounts (mpn_id, user_name) VALUES (?, ?)'
		),
		profilesOf: db.prepare<[string], { mpn_id: string; legal_name: string; country: string }>(
			`SELECT p.mpn_id, p.legal_name, p.country FROM pmc_profiles p
			 JOIN pmc_profile_accounts a ON a.mpn_id = p.mpn_id WHERE a.user_name = ? ORDER BY p.mpn_id`
		),
		all: db.prepare<
			[],
			{ mpn_id: string; legal_name: string; country: string; accounts: string | null }
		>(
			`SELECT p.mpn_id, p.legal_name, p.country, group_concat(a.user_name, ' ') AS accounts
			 FROM pmc_profiles p LEFT JOIN pmc_profile_accounts a ON a.mpn_id = p.mpn_id
			 GROUP BY p.mpn_id ORDER BY p.mpn_id LIMIT 1000`
		),
		claimNotice: db.prepare<[string, string, number]>(
			`INSERT INTO enrollment_notices (org_id, status, updated_at) VALUES (?, ?, ?)
			 ON CONFLICT (org_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
			 WHERE enrollment_notices.status <> excluded.status`
		),
		insertToken: db.prepare<[Buffer, string, string, number, number]>(
			`INSERT INTO email_verifications (token_hash, org_id, email, created_at, expires_at)
			 VALUES (?, ?, ?, ?, ?)`
		),
		token: db.prepare<
			[Buffer],
			{ org_id: string; email: string; expires_at: number; used_at: number | null }
		>('SELECT org_id, email, expires_at, used_at FROM email_verifications WHERE token_hash = ?'),
		useToken: db.prepare<[number, Buffer]>(
			'UPDATE email_verifications SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'
		)
	};
	return {
		pmcPasswordHash: async (userName) => s.account.get(userName)?.password_hash,
		putPmcAccount: async (userName, passwordHash, now) => {
			s.putAccount.run(userName, passwordHash, now);
		},
		putPmcProfile: async (profile, accounts, now) => {
			db.transaction(() => {
				s.putProfile.run(profile.mpnId, profile.legalName, profile.country, now);
				for (const userName of accounts) s.allow.run(profile.mpnId, userName);
			})();
		},
		pmcProfilesOf: async (userName) =>
			s.profilesOf.all(userName).map((row) => ({
				mpnId: row.mpn_id,
				legalName: row.legal_name,
				country: row.country
			})),
		pmcProfiles: async () =>
			s.all.all().map((row) => ({
				mpnId: row.mpn_id,
				legalName: row.legal_name,
				country: row.country,
				accounts: row.accounts ? row.accounts.split(' ').sort() : []
			})),
		claimNotice: async (orgId, status, now) => s.claimNotice.run(orgId, status, now).changes > 0,
		insertVerification: async (hash, orgId, email, now, expiresAt) => {
			s.insertToken.run(hash, orgId, email, now, expiresAt);
		},
		verification: async (hash) => s.token.get(hash),
		useVerification: async (hash, now) => s.useToken.run(now, hash).changes > 0
	};
}

function metaStorage(db: SqliteDatabase): MetaStorage {
	const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
	const set = db.prepare<[string, string]>(
		'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'
	);
	const remove = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');
	return {
		get: async (key) => get.get(key)?.value,
		set: async (key, value) => {
			set.run(key, value);
		},
		delete: async (key) => {
			remove.run(key);
		}
	};
}

export function openSqliteStorage(dataDir: string, durability: 'normal' | 'full'): Storage {
	const db = openDatabase(dataDir, { durability });
	return {
		kind: 'sqlite',
		shared: false,
		documents: documentStorage(db),
		access: accessStorage(db),
		accounts: accountStorage(db),
		invitationTokens: invitationTokenStorage(db),
		enrollment: enrollmentStorage(db),
		meta: metaStorage(db),
		exclusive: (task) => task(),
		async close(clean) {
			if (clean) db.pragma('wal_checkpoint(TRUNCATE)');
			db.close();
		}
	};
}
