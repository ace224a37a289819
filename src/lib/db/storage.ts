// The browser's storage for tiertwo: persistence (asked once after the first sign-in), usage, quota errors.
import { db } from './db';

export type PersistenceResult = 'granted' | 'denied' | 'unsupported';

export interface StorageEstimateFigures {
	usage: number;
	quota: number;
}

const PERSISTENCE_KEY = 'storagePersistence';

function storageManager(): StorageManager | undefined {
	return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : undefined;
}

/** Asks the browser to keep our data under storage pressure, and remembers the answer. */
export async function requestPersistentStorage(): Promise<PersistenceResult> {
	const storage = storageManager();
	const result: PersistenceResult =
		storage && typeof storage.persist === 'function'
			? (await storage.persist())
				? 'granted'
				: 'denied'
			: 'unsupported';
	await db.settings.put({ key: PERSISTENCE_KEY, value: result });
	return result;
}

/** Asks only if it was never asked on this device: after the first sign-in, not every one. */
export async function requestPersistentStorageOnce(): Promise<PersistenceResult> {
	const asked = await db.settings.get(PERSISTENCE_KEY);
	return asked ? readPersistence() : requestPersistentStorage();
}

/** The current state: the browser may have granted or revoked it since we asked. */
export async function readPersistence(): Promise<PersistenceResult> {
	const storage = storageManager();
	if (!storage || typeof storage.persisted !== 'function') return 'unsupported';
	return (await storage.persisted()) ? 'granted' : 'denied';
}

export async function readStorageEstimate(): Promise<StorageEstimateFigures | undefined> {
	const storage = storageManager();
	if (!storage || typeof storage.estimate !== 'function') return undefined;
	const { usage, quota } = await storage.estimate();
	if (usage === undefined || quota === undefined) return undefined;
	return { usage, quota };
}

/**
 * True for the ways a full disk surfaces: the DOMException itself, and Dexie's wrapper of it
 * (Dexie names its errors after the inner exception and keeps it as `inner`).
 */
export function isQuotaError(error: unknown): boolean {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		const name = (current as { name?: unknown }).name;
		if (name === 'QuotaExceededError') return true;
		current = (current as { inner?: unknown }).inner;
	}
	return false;
}

/** The i18n key for a storage write failure, so every page words it the same way. */
export const QUOTA_ERROR_MESSAGE_KEY = 'error_storage_quota';
