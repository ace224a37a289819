// The storage interface the server depends on: documents (updates, snapshots, compaction), the
// access listing, accounts, sessions and tokens, invitation-link and enrollment records, and a
// little metadata. Two implementations: the
// embedded SQLite file (sqlite-storage.ts, the default) and PostgreSQL (postgres/, selected by
// DATABASE_URL, shared by every process of a cluster). Every write resolves only once it is
// durable: the server relays and acknowledges nothing before that.
import type { PartnerNetworkProfile } from '$lib/domain/rules';
import type { AccountRow, NewAccount, SessionRow } from './account-store.js';

export type { AccountRow, NewAccount, SessionRow };

export interface StoredDocument {
	readonly snapshot: Uint8Array | null;
	readonly updates: Uint8Array[];
	/** the sequence number of the last stored update */
	readonly lastSeq: number;
	/** bytes of snapshot plus updates: what loading the document reads */
	readonly bytes: number;
}

/** What a replica that holds the updates up to `afterSeq` lacks (see `DocumentStorage.since`). */
export interface StoredTail {
	/** set when compaction already folded some of the missing updates into the snapshot */
	readonly snapshot: Uint8Array | null;
	readonly updates: readonly { readonly seq: number; readonly data: Uint8Array }[];
	readonly lastSeq: number;
}

/** The owner of the Yjs client ids the server writes its own events with (no account id has a colon). */
export const SERVER_OWNER = ':server';

export interface DocumentWrite {
	readonly name: string;
	readonly update: Uint8Array;
}

export interface DocumentStorage {
	exists(name: string): Promise<boolean>;
	names(): Promise<string[]>;
	load(name: string): Promise<StoredDocument | null>;
	/** The updates stored after `afterSeq`, in order (null if the document was never stored). */
	since(name: string, afterSeq: number): Promise<StoredTail | null>;
	/**
	 * Durably appends accepted updates in one commit and returns the sequence number each got
	 * (per document, gapless, in the order given). The store numbers them, so several processes
	 * may append to one document.
	 */
	append(writes: readonly DocumentWrite[], now: number): Promise<number[]>;
	/**
	 * Replaces the updates up to `uptoSeq` by a snapshot that contains them (a newer snapshot
	 * already stored wins). Returns the document's stored size.
	 */
	compact(name: string, snapshot: Uint8Array, uptoSeq: number, now: number): Promise<number>;
	/**
	 * Who writes for each Yjs client id of a document: an account id, or SERVER_OWNER. `fresh` ids
	 * (none of their structs stored yet) are claimed for `owner` unless someone has them already;
	 * `existing` ones are only looked up. Returns the owner of each id that has one, durably
	 * recorded (the first claim wins, across processes); kept through compaction and restarts.
	 */
	claimClients(
		name: string,
		fresh: readonly number[],
		existing: readonly number[],
		owner: string
	): Promise<Map<number, string>>;
	/**
	 * Runs `task` while no other process runs a task locked on any of these documents (a decision
	 * that reads several documents and writes them together), or on any of these other keys (a
	 * tenant domain being claimed). One process needs no lock. A task may lock other documents
	 * inside (one level), as long as this process has at most one such outer task at a time.
	 */
	withLocks<T>(names: readonly string[], task: () => Promise<T>): Promise<T>;
}

export interface AccessStorage {
	/** org → access for one document */
	forDocument(doc: string): Promise<Map<string, string>>;
	forOrg(orgId: string): Promise<string[]>;
	/** sets (access) or removes (null) rows, in one commit */
	write(rows: readonly { orgId: string; doc: string; access: string | null }[]): Promise<void>;
	count(): Promise<number>;
}

export interface AccountStorage {
	count(): Promise<number>;
	orgIds(): Promise<string[]>;
	byEmail(email: string): Promise<AccountRow | undefined>;
	byId(id: string): Promise<AccountRow | undefined>;
	byOrg(orgId: string): Promise<AccountRow[]>;
	/** false when the id or email already had an account (another process may have made it) */
	insert(account: NewAccount, now: number): Promise<boolean>;
	setPassword(id: string, hash: string, mustChange: boolean, now: number): Promise<void>;
	setProfile(id: string, email: string, fullName: string, now: number): Promise<void>;
	/**
	 * Removes an account that never signed in and whose user no log holds (its org was never
	 * written), so its email can be used again. False when it had sessions (it is kept).
	 */
	removeUnused(id: string): Promise<boolean>;
	setDisabled(id: string, disabled: boolean, now: number): Promise<void>;
	setMustChangePassword(id: string, mustChange: boolean, now: number): Promise<void>;
	createSession(id: string, accountId: string, now: number, expiresAt: number): Promise<void>;
	session(id: string): Promise<SessionRow | undefined>;
	/** Revokes a session and deletes its access tokens at once; true if it was live. */
	revokeSession(id: string, reason: string, now: number): Promise<boolean>;
	liveSessionIds(accountId: string, now: number): Promise<string[]>;
	addTokens(
		sessionId: string,
		access: { hash: Buffer; expiresAt: number },
		refresh: { hash: Buffer; expiresAt: number }
	): Promise<void>;
	accessToken(hash: Buffer): Promise<{ session_id: string; expires_at: number } | undefined>;
	refreshToken(
		hash: Buffer
	): Promise<{ session_id: string; expires_at: number; used_at: number | null } | undefined>;
	/** Marks a refresh token used; false when it already was (a reuse), atomically. */
	useRefreshToken(hash: Buffer, now: number): Promise<boolean>;
	purgeExpired(now: number): Promise<void>;
	/** each account of the org with its newest session's start (null: never signed in) */
	lastSignIns(orgId: string): Promise<{ id: string; last: number | null }[]>;
}

/** Where each invitation link's token hash was created (hints; the org's log decides). */
export interface InvitationTokenStorage {
	find(tokenHash: string, limit: number): Promise<{ orgId: string; invitationId: string }[]>;
	/** records rows (existing ones are kept), in one commit; `replace` clears every row first */
	put(
		rows: readonly { tokenHash: string; orgId: string; invitationId: string }[],
		replace?: boolean
	): Promise<void>;
}

export interface PmcProfileRow {
	readonly mpnId: string;
	readonly legalName: string;
	readonly country: string;
	/** PMC user names allowed to link this profile */
	readonly accounts: string[];
}

/** Enrollment: the Partner Membership Center registry, email verification tokens, notices sent. */
export interface EnrollmentStorage {
	pmcPasswordHash(userName: string): Promise<string | undefined>;
	putPmcAccount(userName: string, passwordHash: string, now: number): Promise<void>;
	/** adds or updates a profile and allows the named PMC accounts to link it, in one commit */
	putPmcProfile(
		profile: PartnerNetworkProfile,
		accounts: readonly string[],
		now: number
	): Promise<void>;
	pmcProfilesOf(userName: string): Promise<PartnerNetworkProfile[]>;
	pmcProfiles(): Promise<PmcProfileRow[]>;
	/**
	 * Records that the org's application reached `status`; true only for the one call that changed
	 * it (atomic, so one status change sends one email whichever process saw it first).
	 */
	claimNotice(orgId: string, status: string, now: number): Promise<boolean>;
	insertVerification(
		hash: Buffer,
		orgId: string,
		email: string,
		now: number,
		expiresAt: number
	): Promise<void>;
	verification(
		hash: Buffer
	): Promise<
		{ org_id: string; email: string; expires_at: number; used_at: number | null } | undefined
	>;
	/** marks a verification token used; false when it already was, atomically */
	useVerification(hash: Buffer, now: number): Promise<boolean>;
}

export interface MetaStorage {
	get(key: string): Promise<string | undefined>;
	set(key: string, value: string): Promise<void>;
	delete(key: string): Promise<void>;
}

export interface Storage {
	readonly kind: 'sqlite' | 'postgres';
	/** whether other processes may share it (a cluster needs a shared store) */
	readonly shared: boolean;
	readonly documents: DocumentStorage;
	readonly access: AccessStorage;
	readonly accounts: AccountStorage;
	readonly invitationTokens: InvitationTokenStorage;
	readonly enrollment: EnrollmentStorage;
	readonly meta: MetaStorage;
	/** Runs `task` while no other process runs one (first start: seeding the demo workspace). */
	exclusive<T>(task: () => Promise<T>): Promise<T>;
	/** after a clean shutdown (SQLite: checkpoints the WAL) */
	close(clean: boolean): Promise<void>;
}
