// One document held in memory: its Yjs replica, presence, the projection of its log, the peers
// connected to it, and a queue so its updates are decided one at a time, in arrival order.
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { AccessPolicy, DocumentProjector, DocumentRef } from '../authorize.js';
import type { StoredDocument } from '../store/document-store.js';
import type { ShadowSpec } from '../validation/update-analysis.js';
import { encodeAwareness } from '../ws/protocol.js';

/** A connection as the document sees it. */
export interface SyncPeer {
	readonly id: number;
	readonly accountId: string;
	readonly sessionId: string;
	readonly userId: string;
	readonly orgId: string;
	access: 'read' | 'write';
	/** false once closing: its queued updates are dropped, never applied */
	readonly open: boolean;
	send(message: Uint8Array): void;
	/** holds writes to the network until `uncork` (many messages, one system call) */
	cork(): void;
	uncork(): void;
	close(code: number, reason: string): void;
}

export class LiveDocument {
	readonly name: string;
	readonly ref: DocumentRef;
	readonly spec: ShadowSpec;
	readonly doc: Y.Doc;
	readonly log: Y.Array<unknown>;
	readonly awareness: Awareness;
	readonly peers = new Set<SyncPeer>();
	/** which connection announced each presence client id (nobody may speak for another's) */
	readonly awarenessOwners = new Map<number, SyncPeer>();
	projector: DocumentProjector;
	/** sequence number of the last stored update (0: never stored) */
	lastSeq: number;
	/** stored bytes (snapshot plus updates since) */
	bytes: number;
	updatesSinceCompaction: number;
	/** accepted updates applied here but not yet committed to the store */
	unflushed = 0;
	/** the projection holds concurrent appends in arrival order; a replay in log order is due */
	replayScheduled = false;
	lastUsed: number;
	#queue: Promise<unknown> = Promise.resolve();
	#queued = 0;

	constructor(
		name: string,
		ref: DocumentRef,
		policy: AccessPolicy,
		stored: StoredDocument | null,
		now: number
	) {
		this.name = name;
		this.ref = ref;
		this.spec = policy.shadowSpec(ref);
		this.doc = new Y.Doc({ gc: true });
		this.log = this.doc.getArray(this.spec.logKey);
		for (const [part, type] of Object.entries(this.spec.parts)) {
			if (type === 'text') this.doc.getText(part);
			else if (type === 'map') this.doc.getMap(part);
			else if (type === 'array') this.doc.getArray(part);
			else this.doc.getXmlFragment(part);
		}
		if (stored?.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
		for (const update of stored?.updates ?? []) Y.applyUpdate(this.doc, update);
		// The server writes system events under this replica's id: never one already in the history.
		while (this.doc.store.clients.has(this.doc.clientID)) {
			this.doc.clientID = Math.floor(Math.random() * 0xffffffff);
		}
		this.lastSeq = stored?.lastSeq ?? 0;
		this.bytes = stored?.bytes ?? 0;
		this.updatesSinceCompaction = stored?.updates.length ?? 0;
		this.projector = policy.project(ref);
		this.projector.append(this.log.toArray());
		this.awareness = new Awareness(this.doc);
		// The server has no presence of its own.
		this.awareness.setLocalState(null);
		// Presence goes to every peer, the sender included: the stock client reconnects after 30 s
		// without hearing anything, and its own presence renewal is what it hears on a quiet document.
		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
				const changed = added.concat(updated, removed);
				const message = encodeAwareness(encodeAwarenessUpdate(this.awareness, changed));
				for (const peer of this.peers) peer.send(message);
			}
		);
		this.lastUsed = now;
	}

	/** Runs `task` after every task queued before it (a failing task does not block the next). */
	run<T>(task: () => Promise<T> | T): Promise<T> {
		this.#queued += 1;
		const result = this.#queue.then(task);
		this.#queue = result
			.catch(() => undefined)
			.finally(() => {
				this.#queued -= 1;
			});
		return result;
	}

	get busy(): boolean {
		return this.#queued > 0;
	}

	/** Resolves once everything queued so far has finished. */
	idle(): Promise<void> {
		return this.run(() => undefined);
	}

	encodeState(): Uint8Array {
		return Y.encodeStateAsUpdate(this.doc);
	}

	destroy(): void {
		this.awareness.destroy();
		this.doc.destroy();
	}
}
