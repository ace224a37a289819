// PostgreSQL storage (DATABASE_URL): the store every process of a cluster shares. Sequence numbers
// of a document's updates are handed out by the database under the document row's lock, so they
// are gapless and commit in order whichever process appends; a commit returns only once
// PostgreSQL has it durably (synchronous_commit as the server is configured, on by default).
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './schema.js';
import type {
	AccessStorage,
	AccountRow,
	AccountStorage,
	DocumentStorage,
	EnrollmentStorage,
	InvitationTokenStorage,
	MetaStorage,
	SessionRow,
	Storage,
	StoredTail
} from '../storage.js';

/** BIGINT columns hold milliseconds and counters well inside 2^53: read them as numbers. */
const types = {
	getTypeParser(oid: number, format?: string) {
		if (oid === 20) return (value: string) => Number(value);
		return pg.types.getTypeParser(oid, format as 'text');
	}
};

/** advisory lock keys (arbitrary, fixed) */
const LOCK_MIGRATE = 7_411_001;
const LOCK_EXCLUSIVE = 7_411_002;
const LOCK_DOCUMENT = 7_411_003;

const DEADLOCK = '40P01';
const SERIALIZATION = '40001';

/** A pooled client whose connection errors surface as failed queries, never as a crash. */
async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
	const client = await pool.connect();
	if (client.listenerCount('error') === 0) client.on('error', () => undefined);
	return client;
}

async function transaction<T>(
	pool: pg.Pool,
	task: (client: pg.PoolClient) => Promise<T>,
	begin = 'BEGIN'
): Promise<T> {
	for (let attempt = 1; ; attempt += 1) {
		const client = await checkout(pool);
		try {
			await client.query(begin);
			const result = await task(client);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			const code = (error as { code?: string }).code;
			if (attempt < 5 && (code === DEADLOCK || code === SERIALIZATION)) continue;
			throw error;
		} finally {
			client.release();
		}
	}
}

async function migrate(pool: pg.Pool): Promise<void> {
	const client = await checkout(pool);
	try {
		await client.query('SELECT pg_advisory_lock($1)', [LOCK_MIGRATE]);
		await client.query('CREATE TABLE IF NOT EXISTS tiertwo_schema (version INTEGER NOT NULL)');
		const row = await client.query<{ version: number }>('SELECT version FROM tiertwo_schema');
		const current = row.rows[0]?.version ?? 0;
		if (row.rows.length === 0) await client.query('INSERT INTO tiertwo_schema VALUES (0)');
		if (current > POSTGRES_MIGRATIONS.length) {
			throw new Error(
				`the database was written by a newer server (schema ${current}, this one knows ${POSTGRES_MIGRATIONS.length})`
			);
		}
		for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version += 1) {
			await client.query('BEGIN');
			try {
				await client.query(POSTGRES_MIGRATIONS[version - 1] ?? '');
				await client.query('UPDATE tiertwo_schema SET version = $1', [version]);
				await client.query('COMMIT');
			} catch (error) {
				await client.query('ROLLBACK');
				throw error;
			}
		}
	} finally {
		await client.query('SELECT pg_advisory_unlock($1)', [LOCK_MIGRATE]).catch(() => undefined);
		client.release();
	}
}

const bytes = (data: Buffer | null): Uint8Array | null =>
	data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;

function documentStorage(pool: pg.Pool, writer: pg.Pool, locks: pg.Pool): DocumentStorage {
	const readTail = async (
		client: pg.PoolClient,
		name: string,
		afterSeq: number
	): Promise<(StoredTail & { bytes: number }) | null> => {
		const doc = await client.query<{ snapshot: Buffer | null; snapshot_seq: number }>(
			'SELECT snapshot, snapshot_seq FROM documents WHERE name = $1',
			[name]
		);
		const row = doc.rows[0];
		if (!row) return null;
		const compacted = row.snapshot_seq > afterSeq || afterSeq === 0;
		const from = compacted ? row.snapshot_seq : afterSeq;
		const updates = await client.query<{ seq: number; data: Buffer }>(
			'SELECT seq, data FROM document_updates WHERE doc = $1 AND seq > $2 ORDER BY seq',
			[name, from]
		);
		const snapshot = compacted ? bytes(row.snapshot) : null;
		const list = updates.rows.map((u) => ({ seq: u.seq, data: bytes(u.data) as Uint8Array }));
		return {
			snapshot,
			updates: list,
			lastSeq: list.at(-1)?.seq ?? Math.max(row.snapshot_seq, afterSeq),
			bytes: (snapshot?.byteLength ?? 0) + list.reduce((sum, u) => sum + u.data.byteLength, 0)
		};
	};
	// One snapshot of the database for both reads: a compaction in between cannot drop updates.
	const READ = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
	return {
		async exists(name) {
			const result = await pool.query('SELECT 1 FROM documents WHERE name = $1', [name]);
			return result.rows.length > 0;
		},
		async names() {
			const result = await pool.query<{ name: string }>('SELECT name FROM documents ORDER BY name');
			return result.rows.map((row) => row.name);
		},
		async load(name) {
			const tail = await transaction(pool, (client) => readTail(client, name, 0), READ);
			if (!tail) return null;
			return {
				snapshot: tail.snapshot,
				updates: tail.updates.map((u) => u.data),
				lastSeq: tail.lastSeq,
				bytes: tail.bytes
			};
		},
		since: (name, afterSeq) =>
			transaction(pool, (client) => readTail(client, name, afterSeq), READ),
		async append(writes, now) {
			if (writes.length === 0) return [];
			// One statement, one commit: number each document's new updates after its last_seq (the
			// upsert locks the document rows, in name order so concurrent batches cannot deadlock).
			const result = await writer.query<{ ord: number; seq: number }>(
				`WITH input AS (
					SELECT t.doc, t.data, t.ord FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS t (doc, data, ord)
				), counts AS (
					SELECT doc, COUNT(*)::bigint AS n FROM input GROUP BY doc
				), bumped AS (
					INSERT INTO documents (name, last_seq, created_at, updated_at)
					SELECT doc, n, $3, $3 FROM counts ORDER BY doc
					ON CONFLICT (name) DO UPDATE SET last_seq = documents.last_seq + EXCLUDED.last_seq,
						updated_at = EXCLUDED.updated_at
					RETURNING name, last_seq
				), numbered AS (
					SELECT i.ord, i.doc, i.data,
						b.last_seq - c.n + ROW_NUMBER() OVER (PARTITION BY i.doc ORDER BY i.ord) AS seq
					FROM input i JOIN counts c ON c.doc = i.doc JOIN bumped b ON b.name = i.doc
				), inserted AS (
					INSERT INTO document_updates (doc, seq, data) SELECT doc, seq, data FROM numbered
					RETURNING 1
				)
				SELECT ord, seq FROM numbered ORDER BY ord`,
				[writes.map((w) => w.name), writes.map((w) => Buffer.from(w.update)), now]
			);
			return result.rows.map((row) => Number(row.seq));
		},
		compact(name, snapshot, uptoSeq, now) {
			return transaction(pool, async (client) => {
				const doc = await client.query<{ snapshot_seq: number }>(
					'SELECT snapshot_seq FROM documents WHERE name = $1 FOR UPDATE',
					[name]
				);
				const current = doc.rows[0]?.snapshot_seq ?? 0;
				if (doc.rows.length > 0 && current < uptoSeq) {
					await client.query('DELETE FROM document_updates WHERE doc = $1 AND seq <= $2', [
						name,
						uptoSeq
					]);
					await client.query(
						'UPDATE documents SET snapshot = $1, snapshot_seq = $2, updated_at = $3 WHERE name = $4',
						[Buffer.from(snapshot), uptoSeq, now, name]
					);
				}
				const size = await client.query<{ total: number }>(
					`SELECT COALESCE(octet_length(d.snapshot), 0) + COALESCE((SELECT SUM(octet_length(u.data))
						FROM document_updates u WHERE u.doc = d.name AND u.seq > d.snapshot_seq), 0) AS total
					FROM documents d WHERE d.name = $1`,
					[name]
				);
				const total = Number(size.rows[0]?.total ?? 0);
				await client.query('UPDATE documents SET bytes = $1 WHERE name = $2', [total, name]);
				return total;
			});
		},
		async claimClients(name, fresh, existing, owner) {
			// Two statements: the lookup must see a claim another process committed while ours waited.
			if (fresh.length > 0) {
				await pool.query(
					`INSERT INTO document_clients (doc, client, owner)
					SELECT $1, client, $3 FROM unnest($2::bigint[]) AS t (client)
					ON CONFLICT DO NOTHING`,
					[name, [...fresh], owner]
				);
			}
			const result = await pool.query<{ client: number; owner: string }>(
				'SELECT client, owner FROM document_clients WHERE doc = $1 AND client = ANY($2::bigint[])',
				[name, [...fresh, ...existing]]
			);
			return new Map(result.rows.map((row) => [Number(row.client), row.owner]));
		},
		async withLocks(names, task) {
			// Session advisory locks keyed by the names' hashes (a collision only serializes two
			// unrelated decisions), taken in one order by everyone so two decisions never deadlock.
			// They are held on connections of their own pool: a decision waiting for a lock never
			// holds a connection that the decision holding it needs for its reads and writes.
			const keys = [...new Set(names)].sort();
			const client = await checkout(locks);
			let held = 0;
			try {
				for (const name of keys) {
					await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_DOCUMENT, name]);
					held += 1;
				}
				return await task();
			} finally {
				for (const name of keys.slice(0, held).reverse()) {
					await client
						.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_DOCUMENT, name])
						.catch(() => undefined);
				}
				client.release();
			}
		}
	};
}

function accessStorage(pool: pg.Pool): AccessStorage {
	return {
		async forDocument(doc) {
			const result = await pool.query<{ org_id: string; access: string }>(
				'SELECT org_id, access FROM document_access WHERE doc = $1',
				[doc]
			);
			return new Map(result.rows.map((row) => [row.org_id, row.access]));
		},
		async forOrg(orgId) {
			const result = await pool.query<{ doc: string }>(
				'SELECT doc FROM document_access WHERE org_id = $1 ORDER BY doc',
				[orgId]
			);
			return result.rows.map((row) => row.doc);
		},
		async write(rows) {
			if (rows.length === 0) return;
			const put = rows.filter((row) => row.access !== null);
			const removed = rows.filter((row) => row.access === null);
			await transaction(pool, async (client) => {
				if (put.length > 0) {
					await client.query(
						`INSERT INTO document_access (org_id, doc, access)
						SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1, 2
						ON CONFLICT (org_id, doc) DO UPDATE SET access = EXCLUDED.access`,
						[put.map((r) => r.orgId), put.map((r) => r.doc), put.map((r) => r.access)]
					);
				}
				if (removed.length > 0) {
					await client.query(
						`DELETE FROM document_access WHERE (org_id, doc) IN
						(SELECT * FROM unnest($1::text[], $2::text[]))`,
						[removed.map((r) => r.orgId), removed.map((r) => r.doc)]
					);
				}
			});
		},
		async count() {
			const result = await pool.query<{ n: number }>(
				'SELECT COUNT(*)::int AS n FROM document_access'
			);
			return result.rows[0]?.n ?? 0;
		}
	};
}

function accountStorage(pool: pg.Pool): AccountStorage {
	const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[]) =>
		(await pool.query<T>(sql, params)).rows[0];
	const run = async (sql: string, params: unknown[]) =>
		(await pool.query(sql, params)).rowCount ?? 0;
	return {
		async count() {
			return (await one<{ n: number }>('SELECT COUNT(*)::int AS n FROM accounts', []))?.n ?? 0;
		},
		async orgIds() {
			const result = await pool.query<{ org_id: string }>('SELECT DISTINCT org_id FROM accounts');
			return result.rows.map((row) => row.org_id);
		},
		byEmail: (email) => one<AccountRow>('SELECT * FROM accounts WHERE email = $1', [email]),
		byId: (id) => one<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]),
		async byOrg(orgId) {
			return (await pool.query<AccountRow>('SELECT * FROM accounts WHERE org_id = $1', [orgId]))
				.rows;
		},
		async insert(account, now) {
			const inserted = await run(
				`INSERT INTO accounts (id, email, org_id, full_name, password_hash, must_change_password,
				 temporary_expires_at, disabled, created_at, updated_at)
				 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8) ON CONFLICT DO NOTHING`,
				[
					account.id,
					account.email,
					account.orgId,
					account.fullName,
					account.passwordHash,
					account.mustChangePassword ? 1 : 0,
					account.temporaryExpiresAt,
					now
				]
			);
			return inserted > 0;
		},
		async setPassword(id, hash, mustChange, now) {
			await run(
				`UPDATE accounts SET password_hash = $1, must_change_password = $2, temporary_expires_at = NULL,
				 updated_at = $3 WHERE id = $4`,
				[hash, mustChange ? 1 : 0, now, id]
			);
		},
		async setProfile(id, email, fullName, now) {
			await run('UPDATE accounts SET email = $1, full_name = $2, updated_at = $3 WHERE id = $4', [
				email,
				fullName,
				now,
				id
			]);
		},
		async removeUnused(id) {
			const removed = await run(
				'DELETE FROM accounts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM sessions WHERE account_id = accounts.id)',
				[id]
			);
			return removed > 0;
		},
		async setDisabled(id, disabled, now) {
			await run('UPDATE accounts SET disabled = $1, updated_at = $2 WHERE id = $3', [
				disabled ? 1 : 0,
				now,
				id
			]);
		},
		async setMustChangePassword(id, mustChange, now) {
			await run('UPDATE accounts SET must_change_password = $1, updated_at = $2 WHERE id = $3', [
				mustChange ? 1 : 0,
				now,
				id
			]);
		},
		async createSession(id, accountId, now, expiresAt) {
			await run(
				'INSERT INTO sessions (id, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
				[id, accountId, now, expiresAt]
			);
		},
		session: (id) => one<SessionRow>('SELECT * FROM sessions WHERE id = $1', [id]),
		async revokeSession(id, reason, now) {
			// One statement: the access tokens go with the session, atomically.
			const revoked = await run(
				`WITH dropped AS (DELETE FROM access_tokens WHERE session_id = $3)
				 UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL`,
				[now, reason, id]
			);
			return revoked > 0;
		},
		async liveSessionIds(accountId, now) {
			const result = await pool.query<{ id: string }>(
				'SELECT id FROM sessions WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2',
				[accountId, now]
			);
			return result.rows.map((row) => row.id);
		},
		async addTokens(sessionId, access, refresh) {
			await run(
				`WITH a AS (INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES ($1, $3, $2))
				 INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($4, $3, $5)`,
				[access.hash, access.expiresAt, sessionId, refresh.hash, refresh.expiresAt]
			);
		},
		accessToken: (hash) =>
			one<{ session_id: string; expires_at: number }>(
				'SELECT session_id, expires_at FROM access_tokens WHERE token_hash = $1',
				[hash]
			),
		refreshToken: (hash) =>
			one<{ session_id: string; expires_at: number; used_at: number | null }>(
				'SELECT session_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = $1',
				[hash]
			),
		async useRefreshToken(hash, now) {
			return (
				(await run(
					'UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL',
					[now, hash]
				)) > 0
			);
		},
		async purgeExpired(now) {
			await run('DELETE FROM access_tokens WHERE expires_at < $1', [now]);
			await run('DELETE FROM refresh_tokens WHERE expires_at < $1', [now]);
		},
		async lastSignIns(orgId) {
			const result = await pool.query<{ id: string; last: number | null }>(
				`SELECT a.id AS id, MAX(s.created_at) AS last FROM accounts a
				LEFT JOIN sessions s ON s.account_id = a.id WHERE a.org_id = $1 GROUP BY a.id`,
				[orgId]
			);
			return result.rows;
		}
	};
}

function invitationTokenStorage(pool: pg.Pool): InvitationTokenStorage {
	return {
		async find(tokenHash, limit) {
			const result = await pool.query<{ org_id: string; invitation_id: string }>(
				'SELECT org_id, invitation_id FROM invitation_tokens WHERE token_hash = $1 LIMIT $2',
				[tokenHash, limit]
			);
			return result.rows.map((row) => ({ orgId: row.org_id, invitationId: row.invitation_id }));
		},
		async put(rows, replace = false) {
			if (rows.length === 0 && !replace) return;
			await transaction(pool, async (client) => {
				if (replace) await client.query('DELETE FROM invitation_tokens');
				if (rows.length === 0) return;
				await client.query(
					`INSERT INTO invitation_tokens (token_hash, org_id, invitation_id)
					SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1, 2, 3
					ON CONFLICT DO NOTHING`,
					[rows.map((r) => r.tokenHash), rows.map((r) => r.orgId), rows.map((r) => r.invitationId)]
				);
			});
		}
	};
}

function enrollmentStorage(pool: pg.Pool): EnrollmentStorage {
	return {
		async pmcPasswordHash(userName) {
			const result = await pool.query<{ password_hash: string }>(
				'SELECT password_hash FROM pmc_accounts WHERE user_name = $1',
				[userName]
			);
			return result.rows[0]?.password_hash;
		},
		async putPmcAccount(userName, passwordHash, now) {
			await pool.query(
				`INSERT INTO pmc_accounts (user_name, password_hash, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (user_name) DO UPDATE SET password_hash = EXCLUDED.password_hash`,
				[userName, passwordHash, now]
			);
		},
		async putPmcProfile(profile, accounts, now) {
			await transaction(pool, async (client) => {
				await client.query(
					`INSERT INTO pmc_profiles (mpn_id, legal_name, country, created_at) VALUES ($1, $2, $3, $4)
					ON CONFLICT (mpn_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, country = EXCLUDED.country`,
					[profile.mpnId, profile.legalName, profile.country, now]
				);
				for (const userName of accounts) {
					await client.query(
						`INSERT INTO pmc_profile_accounts (mpn_id, user_name) VALUES ($1, $2)
						ON CONFLICT DO NOTHING`,
						[profile.mpnId, userName]
					);
				}
			});
		},
		async pmcProfilesOf(userName) {
			const result = await pool.query<{ mpn_id: string; legal_name: string; country: string }>(
				`SELECT p.mpn_id, p.legal_name, p.country FROM pmc_profiles p
				JOIN pmc_profile_accounts a ON a.mpn_id = p.mpn_id WHERE a.user_name = $1 ORDER BY p.mpn_id`,
				[userName]
			);
			return result.rows.map((row) => ({
				mpnId: row.mpn_id,
				legalName: row.legal_name,
				country: row.country
			}));
		},
		async pmcProfiles() {
			const result = await pool.query<{
				mpn_id: string;
				legal_name: string;
				country: string;
				accounts: string[] | null;
			}>(
				`SELECT p.mpn_id, p.legal_name, p.country,
					array_agg(a.user_name ORDER BY a.user_name) FILTER (WHERE a.user_name IS NOT NULL) AS accounts
				FROM pmc_profiles p LEFT JOIN pmc_profile_accounts a ON a.mpn_id = p.mpn_id
				GROUP BY p.mpn_id ORDER BY p.mpn_id LIMIT 1000`
			);
			return result.rows.map((row) => ({
				mpnId: row.mpn_id,
				legalName: row.legal_name,
				country: row.country,
				accounts: row.accounts ?? []
			}));
		},
		async claimNotice(orgId, status, now) {
			const result = await pool.query(
				`INSERT INTO enrollment_notices (org_id, status, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (org_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
				WHERE enrollment_notices.status <> EXCLUDED.status`,
				[orgId, status, now]
			);
			return (result.rowCount ?? 0) > 0;
		},
		async insertVerification(hash, orgId, email, now, expiresAt) {
			await pool.query(
				`INSERT INTO email_verifications (token_hash, org_id, email, created_at, expires_at)
				VALUES ($1, $2, $3, $4, $5)`,
				[hash, orgId, email, now, expiresAt]
			);
		},
		async verification(hash) {
			const result = await pool.query<{
				org_id: string;
				email: string;
				expires_at: number;
				used_at: number | null;
			}>(
				'SELECT org_id, email, expires_at, used_at FROM email_verifications WHERE token_hash = $1',
				[hash]
			);
			return result.rows[0];
		},
		async useVerification(hash, now) {
			const result = await pool.query(
				'UPDATE email_verifications SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL',
				[now, hash]
			);
			return (result.rowCount ?? 0) > 0;
		}
	};
}

function metaStorage(pool: pg.Pool): MetaStorage {
	return {
		async get(key) {
			const result = await pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [
				key
			]);
			return result.rows[0]?.value;
		},
		async set(key, value) {
			await pool.query(
				'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
				[key, value]
			);
		},
		async delete(key) {
			await pool.query('DELETE FROM meta WHERE key = $1', [key]);
		}
	};
}

export interface PostgresOptions {
	/** connections this process may hold */
	readonly poolSize?: number;
	readonly onError?: (error: Error) => void;
}

export async function openPostgresStorage(
	url: string,
	options: PostgresOptions = {}
): Promise<Storage> {
	const pool = new pg.Pool({
		connectionString: url,
		max: options.poolSize ?? 10,
		types,
		application_name: 'tiertwo-sync-server'
	});
	// The hot path (appending accepted updates, one batch at a time) never queues behind reads.
	const writes = new pg.Pool({
		connectionString: url,
		max: 2,
		types,
		application_name: 'tiertwo-sync-server-writes'
	});
	// Connections that hold cross-process locks (DocumentStorage.withLocks) while a decision runs.
	const locks = new pg.Pool({
		connectionString: url,
		max: 4,
		types,
		application_name: 'tiertwo-sync-server-locks'
	});
	// An idle client losing its connection must not crash the process; the next query reconnects.
	for (const each of [pool, writes, locks]) each.on('error', (error) => options.onError?.(error));
	try {
		await migrate(pool);
	} catch (error) {
		await Promise.all([pool.end(), writes.end(), locks.end()]);
		throw error;
	}
	return {
		kind: 'postgres',
		shared: true,
		documents: documentStorage(pool, writes, locks),
		access: accessStorage(pool),
		accounts: accountStorage(pool),
		invitationTokens: invitationTokenStorage(pool),
		enrollment: enrollmentStorage(pool),
		meta: metaStorage(pool),
		async exclusive(task) {
			const client = await checkout(pool);
			try {
				await client.query('SELECT pg_advisory_lock($1)', [LOCK_EXCLUSIVE]);
				return await task();
			} finally {
				await client
					.query('SELECT pg_advisory_unlock($1)', [LOCK_EXCLUSIVE])
					.catch(() => undefined);
				client.release();
			}
		},
		async close() {
			await Promise.all([pool.end(), writes.end(), locks.end()]);
		}
	};
}
