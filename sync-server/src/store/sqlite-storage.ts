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
		compact: async (name, snapshot, uptoSeq, now) => store.compact(name, snapshot, uptoSeq, now)
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
		purgeExpired: async (now) => store.purgeExpired(now)
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
		meta: metaStorage(db),
		exclusive: (task) => task(),
		async close(clean) {
			if (clean) db.pragma('wal_checkpoint(TRUNCATE)');
			db.close();
		}
	};
}
