// What the document registry and its parts are built from (store, cluster bus, validator, policy,
// metrics, limits), and the two things the parts share: the server's origin and an event's id.
import type { Logger } from 'pino';
import type { AccessPolicy } from '../authorize.js';
import { candidateId } from '../authorize.js';
import type { Metrics } from '../metrics.js';
import type { DocumentStorage } from '../store/storage.js';
import type { UpdateValidator } from '../validation/update-validator.js';

export interface RegistryLimits {
	/** stored size (snapshot plus updates) a document may reach */
	readonly maxDocumentBytes: number;
	readonly compactEveryUpdates: number;
	/** updates stored after the snapshot weighing this much are folded into it */
	readonly compactEveryBytes: number;
	readonly idleUnloadMs: number;
	/** how long a gap in the sequence numbers heard from other processes may last before the store fills it */
	readonly gapRepairMs?: number;
}

/** Where accepted updates and presence go for the other processes of a cluster (none alone). */
export interface DocumentBus {
	publishUpdates(updates: readonly { name: string; seq: number; update: Uint8Array }[]): void;
	publishAwareness(name: string, update: Uint8Array): void;
}

export interface RegistryDeps {
	readonly store: DocumentStorage;
	readonly bus?: DocumentBus;
	readonly validator: UpdateValidator;
	readonly policy: AccessPolicy;
	readonly metrics: Metrics;
	readonly log: Logger;
	readonly limits: RegistryLimits;
	readonly now?: () => number;
}

/** The registry's dependencies as its parts take them, the clock decided (Date.now if none). */
export type PartDeps = Omit<RegistryDeps, 'now'> & { readonly now: () => number };

/** The origin of the changes the server makes itself (its own events). */
export const SERVER_ORIGIN = Symbol('server');

/** An event's id, as the list a refusal names (empty when it has none). */
export function idOf(candidate: unknown): string[] {
	const id = candidateId(candidate);
	return id === null ? [] : [id];
}
