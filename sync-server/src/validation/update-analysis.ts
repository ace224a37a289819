// What an incoming Yjs update would do to a document, found by applying it to a shadow copy (never
// the live document): the plain-JSON events it appends to the log, the collaborative parts it
// touches, the client ids it writes for, and anything else (log edits or deletions, an append that
// does not land at the log's tail, unknown parts, bad content, structs that erase or skip clocks
// instead of carrying them), which refuses it.
import * as Y from 'yjs';
import type { SyncCode } from '../codes.js';

export type PartType = 'text' | 'map' | 'array' | 'xml';

/**
 * How many clocks one update may advance past what it carries (the length of its new deleted
 * items, whose text is not sent): typing or pasting and then deleting this much in one stretch
 * offline. An honest client's deleted runs are what a person typed or pasted (measured in
 * tests/sync-server/update-analysis.test.ts); a few bytes claiming 2^40 clocks is not one.
 */
export const MAX_UNBACKED_CLOCKS = 1 << 24;

/** The top-level types a document kind has: the log and its collaborative parts. */
export interface ShadowSpec {
	readonly logKey: string;
	readonly parts: Readonly<Record<string, PartType>>;
}

export type Analysis =
	| {
			readonly ok: true;
			/** nothing new at all (e.g. an empty sync step 2) */
			readonly noop: boolean;
			/** values appended to the log, in log order: all after every event the log had before */
			readonly appended: unknown[];
			/** collaborative parts inserted into or deleted from */
			readonly parts: string[];
			/**
			 * each client id the update writes new structs for, with the clock it starts at (0: the
			 * document had nothing of it); the server admits them only for their owner
			 */
			readonly clients: (readonly [client: number, from: number])[];
			readonly elapsedMs: number;
	  }
	| {
			readonly ok: false;
			readonly code: SyncCode;
			readonly detail: string;
			/** the ids of the log values the refusal is about (those that landed mid-log) */
			readonly eventIds?: string[];
			/** refused without being applied: the shadow is unchanged and may be kept */
			readonly untouched?: true;
	  };

const MAX_JSON_DEPTH = 32;

function isPlainJson(value: unknown, depth = 0): boolean {
	if (depth > MAX_JSON_DEPTH) return false;
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
	if (typeof value === 'number') return Number.isFinite(value);
	if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
	if (typeof value === 'object') {
		const proto = Object.getPrototypeOf(value);
		if (proto !== Object.prototype && proto !== null) return false;
		return Object.values(value as Record<string, unknown>).every((item) =>
			isPlainJson(item, depth + 1)
		);
	}
	return false;
}

export class Shadow {
	readonly doc: Y.Doc;
	readonly spec: ShadowSpec;
	readonly log: Y.Array<unknown>;
	readonly #roots = new Map<Y.AbstractType<unknown>, string>();
	/** the log's last item, so appends are found without walking the whole log */
	#tail: Y.Item | null = null;

	constructor(spec: ShadowSpec, state: Uint8Array | null) {
		this.spec = spec;
		this.doc = new Y.Doc({ gc: true });
		this.log = this.doc.getArray(spec.logKey);
		this.#roots.set(this.log as Y.AbstractType<unknown>, spec.logKey);
		for (const [name, type] of Object.entries(spec.parts)) {
			const root =
				type === 'text'
					? this.doc.getText(name)
					: type === 'map'
						? this.doc.getMap(name)
						: type === 'array'
							? this.doc.getArray(name)
							: this.doc.getXmlFragment(name);
			this.#roots.set(root as Y.AbstractType<unknown>, name);
		}
		if (state) Y.applyUpdate(this.doc, state);
		this.#tail = lastItem(this.log._start);
	}

	/** Applies a trusted (server-made) update. */
	applyTrusted(update: Uint8Array): void {
		Y.applyUpdate(this.doc, update);
		this.#tail = lastItem(this.#tail ?? this.log._start);
	}

	#rootOf(item: Y.Item): { name: string | undefined; direct: boolean } | null {
		let type = item.parent;
		if (!(type instanceof Y.AbstractType)) return null;
		let direct = true;
		while (type._item !== null) {
			const parent: unknown = type._item.parent;
			if (!(parent instanceof Y.AbstractType)) return null;
			type = parent;
			direct = false;
		}
		return { name: this.#roots.get(type) ?? undefinedRoot(this.doc, type), direct };
	}

	/**
	 * Looks at the update's structs without applying them, so a refusal keeps the shadow (it need
	 * not be discarded and loaded again). Incomplete: it carries some client's changes from past what
	 * the shadow has of them (the usual case: a client's edit before the ones it builds on), or skips
	 * clocks (a Skip struct, made by merging updates with a gap: the gap may still arrive). Refused:
	 * a GC struct in the new range (it says "these clocks were collected" instead of carrying them:
	 * sent for another client's next clocks, Yjs would then drop that client's real edits as already
	 * known; the app never sends one, its parts have no nested types), or new deleted items claiming
	 * more than MAX_UNBACKED_CLOCKS. Malformed input is left to applyUpdate.
	 */
	#precheck(update: Uint8Array): Analysis | null {
		let structs: (Y.Item | Y.GC | Y.Skip)[];
		try {
			structs = Y.decodeUpdate(update).structs as (Y.Item | Y.GC | Y.Skip)[];
		} catch {
			return null;
		}
		const store = this.doc.store;
		const from = new Map<number, number>();
		let unbacked = 0;
		for (const struct of structs) {
			const { client, clock } = struct.id;
			if (!from.has(client)) from.set(client, clock);
			const state = Y.getState(store, client);
			const end = clock + struct.length;
			if (end <= state) continue; // already known: Yjs ignores it
			if (struct instanceof Y.Skip) return untouched('sync_update_incomplete', 'it skips clocks');
			if (struct instanceof Y.GC) {
				return untouched('sync_struct_gc', `GC struct for client ${client}`);
			}
			if (struct.content instanceof Y.ContentDeleted) unbacked += end - Math.max(clock, state);
		}
		for (const [client, clock] of from) {
			if (clock > Y.getState(store, client)) {
				return untouched(
					'sync_update_incomplete',
					'the update depends on changes the server does not have'
				);
			}
		}
		if (unbacked > MAX_UNBACKED_CLOCKS) {
			return untouched('sync_clock_jump', `${unbacked} deleted clocks in one update`);
		}
		return null;
	}

	/**
	 * Applies `update` to the shadow and says what it did. After a refusal the shadow holds the
	 * refused change and must be discarded (unless the refusal says `untouched`); after an accepted
	 * analysis it equals the live document once the live document applies the same update.
	 */
	analyze(update: Uint8Array, editable: ReadonlySet<string>): Analysis {
		const started = performance.now();
		let verdict: Analysis | null = null;
		const inspect = (transaction: Y.Transaction) => {
			verdict = this.#inspect(transaction, editable);
		};
		const early = this.#precheck(update);
		if (early) return early;
		this.doc.on('beforeObserverCalls', inspect);
		try {
			Y.applyUpdate(this.doc, update);
		} catch (error) {
			return { ok: false, code: 'sync_update_malformed', detail: String(error).slice(0, 200) };
		} finally {
			this.doc.off('beforeObserverCalls', inspect);
		}
		const store = this.doc.store;
		if (store.pendingStructs !== null || store.pendingDs !== null) {
			return {
				ok: false,
				code: 'sync_update_incomplete',
				detail: 'the update depends on changes the server does not have'
			};
		}
		const result: Analysis = verdict ?? {
			ok: true,
			noop: true,
			appended: [],
			parts: [],
			clients: [],
			elapsedMs: 0
		};
		if (result.ok) {
			this.#tail = lastItem(this.#tail ?? this.log._start);
			return { ...result, elapsedMs: performance.now() - started };
		}
		return result;
	}

	#inspect(transaction: Y.Transaction, editable: ReadonlySet<string>): Analysis {
		const store = this.doc.store;
		const parts = new Set<string>();
		const clients: [number, number][] = [];
		let appendedLength = 0;
		let touched = false;
		const isNew = (client: number, clock: number) =>
			clock >= (transaction.beforeState.get(client) ?? 0);

		const checkPart = (name: string, item: Y.Item, direct: boolean): Analysis | null => {
			const type = this.spec.parts[name];
			if (!type) return refuse('sync_unknown_part', `top-level type ${name}`);
			if (!editable.has(name)) return refuse('sync_part_forbidden', name);
			if (item.content instanceof Y.ContentDoc) return refuse('sync_bad_content', 'subdocument');
			if (direct && (type === 'map') !== (item.parentSub !== null)) {
				return refuse('sync_bad_content', `${name} is a ${type}`);
			}
			parts.add(name);
			return null;
		};

		for (const [client, after] of transaction.afterState) {
			const before = transaction.beforeState.get(client) ?? 0;
			if (after <= before) continue;
			const structs = store.clients.get(client);
			if (!structs) continue;
			touched = true;
			clients.push([client, before]);
			for (let i = Y.findIndexSS(structs, before); i < structs.length; i += 1) {
				const struct = structs[i];
				if (!struct || struct.id.clock >= after) break;
				// Only items are written: a GC struct here is an item whose parent was collected (a
				// nested type deleted), which the app's parts never have. #precheck refused sent ones.
				if (!(struct instanceof Y.Item)) return refuse('sync_struct_gc', `client ${client}`);
				const root = this.#rootOf(struct);
				if (root === null) continue; // parent collected: Yjs keeps it as deleted content
				if (root.name === this.spec.logKey) {
					// An append names no right neighbour; one that does was inserted before a known event.
					if (!root.direct || struct.parentSub !== null || struct.rightOrigin !== null) {
						return refuse('sync_log_changed', 'only plain appends to the log');
					}
					// Every struct here is new in this update, so a deleted one was inserted and deleted
					// in it: a tombstone nobody's log shows (the app's rebase onto the tail leaves them).
					const tombstone = struct.deleted && struct.content instanceof Y.ContentDeleted;
					if (!tombstone && !(struct.content instanceof Y.ContentAny)) {
						return refuse('sync_log_not_json', 'log entries are plain JSON');
					}
					if (
						struct.content instanceof Y.ContentAny &&
						!struct.content.arr.every((value) => isPlainJson(value))
					) {
						return refuse('sync_log_not_json', 'log entries are plain JSON');
					}
					if (!struct.deleted) appendedLength += struct.length;
				} else {
					const refusal = root.name
						? checkPart(root.name, struct, root.direct)
						: refuse('sync_unknown_part', 'unknown top-level type');
					if (refusal) return refusal;
				}
			}
		}

		for (const [client, deletes] of transaction.deleteSet.clients) {
			const structs = store.clients.get(client);
			if (!structs) continue;
			for (const range of deletes) {
				touched = true;
				for (let i = Y.findIndexSS(structs, range.clock); i < structs.length; i += 1) {
					const struct = structs[i];
					if (!struct || struct.id.clock >= range.clock + range.len) break;
					if (!(struct instanceof Y.Item)) continue;
					const root = this.#rootOf(struct);
					if (root === null) continue;
					// Only a log item this very update inserts may be deleted (a tombstone, see above): one
					// the server had before is history, even if nobody acknowledged it to its writer yet.
					if (root.name === this.spec.logKey && !isNew(struct.id.client, struct.id.clock)) {
						return refuse('sync_log_changed', 'log entries are never deleted');
					}
					if (root.name === this.spec.logKey) continue;
					const refusal = root.name
						? checkPart(root.name, struct, false)
						: refuse('sync_unknown_part', 'unknown top-level type');
					if (refusal) return refusal;
				}
			}
		}

		const appends = this.#collectAppends(appendedLength, isNew);
		if (!appends.ok) return appends;
		return {
			ok: true,
			noop: !touched,
			appended: appends.appended,
			parts: [...parts],
			clients,
			elapsedMs: 0
		};
	}

	/**
	 * The new visible log values in log order, if they all follow every visible value the log had
	 * before (the tail rule: the log as the server holds it is a prefix that never changes). New
	 * tombstones may lie anywhere, and so may old ones: neither is in anybody's log. A new value
	 * Yjs places before a known one (an old origin, no right origin, a smaller client id) would
	 * change what every later event means, so the update is refused naming the values that landed
	 * mid-log, and the app appends them again at the tail.
	 */
	#collectAppends(
		expected: number,
		isNew: (client: number, clock: number) => boolean
	): { ok: true; appended: unknown[] } | Extract<Analysis, { ok: false }> {
		if (expected === 0) return { ok: true, appended: [] };
		const values: unknown[] = [];
		let last = lastItem(this.#tail ?? this.log._start);
		// Backwards from the end to the last value the log already showed: only new values may follow it.
		for (; last !== null; last = last.left) {
			if (last.deleted) continue;
			if (!isNew(last.id.client, last.id.clock)) break;
			if (last.content instanceof Y.ContentAny) values.unshift(...last.content.arr);
		}
		if (values.length === expected) return { ok: true, appended: values };
		const misplaced: string[] = [];
		for (let item = this.log._start; item !== null && item !== last; item = item.right) {
			if (item.deleted || !isNew(item.id.client, item.id.clock)) continue;
			if (item.content instanceof Y.ContentAny) misplaced.push(...item.content.arr.flatMap(idOf));
		}
		return {
			ok: false,
			code: 'sync_log_not_at_tail',
			detail: 'new log entries land before ones the server already had',
			eventIds: misplaced
		};
	}
}

function idOf(value: unknown): string[] {
	const id = (value as { id?: unknown } | null)?.id;
	return typeof id === 'string' ? [id.slice(0, 64)] : [];
}

function refuse(code: SyncCode, detail: string): Analysis {
	return { ok: false, code, detail };
}

/** A refusal found before applying anything: the shadow is unchanged and may be kept. */
function untouched(code: SyncCode, detail: string): Analysis {
	return { ok: false, code, detail, untouched: true };
}

function lastItem(from: Y.Item | null): Y.Item | null {
	let last = from;
	while (last !== null && last.right !== null) last = last.right;
	return last;
}

/** A top-level type the spec does not define, found by name (it is refused either way). */
function undefinedRoot(doc: Y.Doc, type: Y.AbstractType<unknown>): string | undefined {
	for (const [name, root] of doc.share) if (root === type) return `?${name}`;
	return undefined;
}
