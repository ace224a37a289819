// The app's sync client: starts the signed-in user's SyncEngine, keeps the session fresh, reports
// "N changes waiting to sync" (also to the connection indicator), storage errors, export and sign-out.
import { liveQuery, type Subscription } from 'dexie';
import { db } from '$lib/db/db';
import { clearDeviceData, exportPendingWork } from '$lib/db/device-data';
import type { Summary } from '$lib/db/local-records';
import type { Unwritten } from '$lib/db/customer-list';
import { isQuotaError } from '$lib/db/storage';
import type { EventType, PayloadOf } from '$lib/domain/events';
import { connection } from './connection.svelte';
import { session } from './session.svelte';
import { SyncEngine, type AppendResult } from './sync-engine';

/** Refresh the access cookie this long before it expires. */
const REFRESH_AHEAD_MS = 60_000;
const REFRESH_MIN_DELAY_MS = 5_000;

const NOTHING_UNWRITTEN: Unwritten = { rows: [], writing: [] };

/** Asks the user whether to discard `count` unsynced changes; true = discard. */
export type ConfirmDiscard = (count: number) => boolean | Promise<boolean>;

class SyncClient {
	#engine = $state.raw<SyncEngine | null>(null);
	#pending = $state(0);
	#refused = $state(0);
	#storageErrorCode = $state<string | null>(null);
	#unwrittenCustomers = $state.raw<Unwritten>(NOTHING_UNWRITTEN);
	#subscriptions: Subscription[] = [];
	#stopReachable: (() => void) | undefined;
	#refreshTimer: ReturnType<typeof setTimeout> | undefined;

	/** Local changes the server has not confirmed storing yet (survives reloads: it is in Dexie). */
	get pendingCount(): number {
		return this.#pending;
	}

	get refusedCount(): number {
		return this.#refused;
	}

	/** i18n key of the last failed storage write, until a later one succeeds. */
	get storageErrorCode(): string | null {
		return this.#storageErrorCode;
	}

	/**
	 * Customers the server listed that this device is still writing into IndexedDB: the Customers
	 * list shows them from memory meanwhile (a new device's list is complete at once).
	 */
	get unwrittenCustomers(): Unwritten {
		return this.#unwrittenCustomers;
	}

	get engine(): SyncEngine | null {
		return this.#engine;
	}

	/**
	 * Whether document `name`, which this device does not hold (the caller read its `documents` row),
	 * is on its way: in reach of the server, its list names it, or no list has come yet since the
	 * channel opened. A page waiting for its rows says Loading… then, not "none"; out of reach, what
	 * the device holds is all it knows. Re-read as the engine's progress is reported.
	 */
	expects(name: string): boolean {
		const engine = this.#engine;
		if (!engine || !connection.inReach) return false;
		return connection.listKnown ? engine.lists(name) : true;
	}

	/** Starts syncing for the signed-in user (idempotent; the signed-in shell calls it). */
	ensureStarted(): void {
		const user = session.user;
		if (session.status !== 'signed-in' || !user) return;
		if (this.#engine?.user.userId === user.id) return;
		this.stop();
		const secure = location.protocol === 'https:';
		const engine = new SyncEngine({
			db,
			user: { userId: user.id, orgId: user.orgId },
			serverUrl: `${secure ? 'wss' : 'ws'}://${location.host}/sync`,
			refreshSession: () => session.refresh(),
			serverNow: () => connection.serverNow(),
			sessionEnded: () => void session.ended().catch(reportError),
			storageFailed: (error) => this.#storageFailed(error),
			progress: (synced, total, listKnown, summarizing) =>
				connection.reportCatchUp(synced, total, listKnown, summarizing),
			unwrittenCustomers: (unwritten) => {
				if (this.#engine === engine) this.#unwrittenCustomers = unwritten;
			},
			channelChanged: (open) => {
				connection.reportChannel(open);
				connection.checkSoon();
			},
			storageRecovered: () => {
				this.#storageErrorCode = null;
			}
		});
		this.#engine = engine;
		connection.reportChannelHeard(() => engine.lastHeard);
		engine.start().catch((error: unknown) => this.#storageFailed(error));
		this.#watch(
			() => db.outbox.count(),
			(count) => {
				this.#pending = count;
				connection.reportUnsyncedWork('outbox', count);
			}
		);
		this.#watch(
			() => db.refused.count(),
			(count) => (this.#refused = count)
		);
		// Signed out or switched user in another tab: stop writing this user's documents.
		this.#watch(
			() => db.session.get('current'),
			(row) => {
				if (row?.user.id !== user.id) this.stop();
				else this.#scheduleRefresh(row.accessExpiresAt);
			}
		);
		const stopReachable = connection.onReachable(() => {
			void session.confirm().finally(() => engine.reconnect());
		});
		const stopAnswered = connection.onAnswer(() => engine.serverAnswered());
		this.#stopReachable = () => {
			stopReachable();
			stopAnswered();
		};
	}

	stop(): void {
		for (const subscription of this.#subscriptions) subscription.unsubscribe();
		this.#subscriptions = [];
		this.#stopReachable?.();
		clearTimeout(this.#refreshTimer);
		this.#engine?.stop();
		this.#engine = null;
		this.#unwrittenCustomers = NOTHING_UNWRITTEN;
		connection.reportUnsyncedWork('outbox', 0);
		connection.reportCatchUp(0, 0);
		connection.reportChannel(false);
	}

	/** Appends an event through the engine; storage failures come back as i18n codes. */
	async append<T extends EventType>(
		name: string,
		type: T,
		payload: PayloadOf<T>,
		summary: Summary
	): Promise<AppendResult> {
		this.ensureStarted();
		const engine = this.#engine;
		if (!engine) return { ok: false, code: 'data_document_unavailable' };
		try {
			return await engine.append(name, type, payload, summary);
		} catch (error) {
			this.#storageFailed(error);
			return { ok: false, code: isQuotaError(error) ? 'data_storage_full' : 'error_unexpected' };
		}
	}

	/** Pending (saved and unsaved) and refused changes as a JSON file's text. */
	exportPendingWork(): Promise<string> {
		return exportPendingWork(db, this.#engine?.unsavedOutbox() ?? []);
	}

	/**
	 * Signs out. With changes still waiting it first asks `confirmDiscard`; otherwise, or once the
	 * user agrees, it clears this user's data from the device. False when the user kept them.
	 */
	async signOut(confirmDiscard: ConfirmDiscard): Promise<boolean> {
		await this.#engine?.settled().catch(() => undefined);
		const waiting = (await db.outbox.count()) + (this.#engine?.unsavedOutbox().length ?? 0);
		if (waiting > 0 && !(await confirmDiscard(waiting))) return false;
		this.stop();
		await session.signOut();
		await clearDeviceData(db);
		return true;
	}

	#watch<T>(querier: () => T | Promise<T>, next: (value: T) => void): void {
		this.#subscriptions.push(
			liveQuery(querier).subscribe({ next, error: (error: unknown) => this.#storageFailed(error) })
		);
	}

	#scheduleRefresh(accessExpiresAt: string | number): void {
		clearTimeout(this.#refreshTimer);
		const expires =
			typeof accessExpiresAt === 'number' ? accessExpiresAt : Date.parse(accessExpiresAt);
		if (!Number.isFinite(expires)) return;
		const delay = Math.max(REFRESH_MIN_DELAY_MS, expires - REFRESH_AHEAD_MS - Date.now());
		this.#refreshTimer = setTimeout(() => {
			// A successful refresh saves a new session row, which schedules the next one.
			if (connection.reachable) void session.refresh();
		}, delay);
	}

	#storageFailed(error: unknown): void {
		if (isQuotaError(error)) {
			this.#storageErrorCode = 'data_storage_full';
		} else {
			this.#storageErrorCode = 'error_unexpected';
			console.error(error);
		}
	}

	/** For tests. */
	reset(): void {
		this.stop();
		this.#pending = 0;
		this.#refused = 0;
		this.#storageErrorCode = null;
	}
}

export const syncClient = new SyncClient();
