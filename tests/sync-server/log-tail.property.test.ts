// The server's gate against generated traffic: honest writers online and offline (rebasing what
// the server refuses for not landing at the tail, and moving to a fresh client id when theirs was
// taken, as the app does) and a malicious writer of the same org sending crafted updates (forks of
// any earlier state under random client ids, the honest writers' included; appends, inserts with a
// right origin, deletions, insert-and-delete, GC structs over any client's next clocks, duplicate
// event ids, timestamps far in the future or past) through the real update analysis (Shadow), the
// real client-id claims and the domain's gate (`checkAppends` with the server's clock), and the real
// projection. Invariants: once acknowledged, an event's place in the log and its outcome in the
// projection never change; every honest event arrives and is never refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { formatHlc } from '$lib/domain/clock';
import { LOG_KEY, type DocumentRef } from '$lib/domain/documents';
import { checkAppends, type Actor } from '$lib/flows/documents/append-gate';
import { projectLog } from '$lib/flows/documents/projection';
import { claimsFor } from '../../sync-server/src/docs/client-claims';
import { SERVER_OWNER } from '../../sync-server/src/store/storage';
import {
	Shadow,
	type Analysis,
	type ShadowSpec
} from '../../sync-server/src/validation/update-analysis';
import { SYSTEM } from '../unit/factories';
import { craftedUpdate } from './harness';

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
console.log(
	`log tail property: seed ${SEED}, ${RUNS} runs; replay with PROPERTY_SEED=${SEED} npx vitest run tests/sync-server/log-tail.property.test.ts`
);

const spec: ShadowSpec = { logKey: LOG_KEY, parts: { notes: 'text' } };
const ref: DocumentRef = { kind: 'customer', customerId: 'tailspin' };
/** the server's clock: the honest writers' stamps are a little behind it */
const NOW = 1_700_000_100_000;
const honest: Actor = { userId: 'cam', orgId: 'tailspin', roles: ['globalAdmin'] };
const mallory: Actor = { userId: 'mallory', orgId: 'tailspin', roles: ['globalAdmin'] };
const STAMPS = {
	now: (n: number) => formatHlc({ wall: 1_700_000_000_000 + n, counter: 0, node: 'writer' }),
	future: () => formatHlc({ wall: NOW + 3_600_000, counter: 0, node: 'x' }),
	past: () => formatHlc({ wall: 1_000, counter: 0, node: 'x' })
};
const created = {
	id: 'base-0',
	type: 'customer.created',
	at: formatHlc({ wall: 1_700_000_000_000, counter: 0, node: 'server' }),
	by: SYSTEM,
	payload: { legalName: 'Tailspin', domain: 'tailspin.example.com', country: 'JP' }
};

function tenantUserAdded(
	id: string,
	n: number,
	by: Actor = honest,
	stamp: keyof typeof STAMPS = 'now'
) {
	return {
		id,
		type: 'tenantUser.added',
		at: STAMPS[stamp](n),
		by: { userId: by.userId, orgId: by.orgId },
		payload: {
			tenantUserId: `tu-${id}`,
			displayName: `User ${id}`,
			userName: `${id}@tailspin.example.com`
		}
	};
}

type Op =
	| { kind: 'append'; writer: number }
	| { kind: 'type'; writer: number }
	| { kind: 'toggle'; writer: number }
	/** the writer's presence shows its client id (the server reserves it for its writer) */
	| { kind: 'announce'; writer: number }
	| { kind: 'sync'; writer: number; receiveFirst: boolean }
	| {
			kind: 'attack';
			/** how many of the accepted updates the forged fork starts from (modulo) */
			from: number;
			/** an honest writer's client id its presence showed (modulo those), or any other */
			clientId: { writer: number } | number;
			move: 'push' | 'insert' | 'delete' | 'insertDeleted' | 'gc';
			at: number;
			/** reuse an acknowledged event's id (modulo), or -1 for a fresh one */
			reuse: number;
			stamp: keyof typeof STAMPS;
	  };

const WRITERS = 3;
const writer = fc.integer({ min: 0, max: WRITERS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('append' as const), writer }),
	fc.record({ kind: fc.constant('type' as const), writer }),
	fc.record({ kind: fc.constant('toggle' as const), writer }),
	fc.record({ kind: fc.constant('announce' as const), writer }),
	fc.record({ kind: fc.constant('sync' as const), writer, receiveFirst: fc.boolean() }),
	fc.record({
		kind: fc.constant('attack' as const),
		from: fc.nat(),
		clientId: fc.oneof(
			fc.record({ writer }),
			fc.integer({ min: 1, max: 999 }),
			fc.integer({ min: 2000, max: 2 ** 31 })
		),
		move: fc.constantFrom('push', 'insert', 'delete', 'insertDeleted', 'gc'),
		at: fc.nat(),
		reuse: fc.integer({ min: -1, max: 20 }),
		stamp: fc.constantFrom('now', 'now', 'future', 'past')
	})
);

interface Writer {
	doc: Y.Doc;
	online: boolean;
	/** its events the server has not acknowledged */
	pending: Set<string>;
}

/** The server: accepted updates and a shadow to decide the next (rebuilt after a refusal). */
class Server {
	accepted: Uint8Array[] = [];
	shadow: Shadow;
	/** acknowledged event id -> its index in the log and its outcome in the projection */
	readonly acknowledged = new Map<string, string>();
	/** client id -> the account that first wrote it (the store's table, complete here) */
	readonly owners = new Map<number, string>([[1, SERVER_OWNER]]);

	constructor() {
		const base = new Y.Doc();
		base.clientID = 1;
		base.getArray(LOG_KEY).push([created]);
		this.accepted.push(Y.encodeStateAsUpdate(base));
		this.shadow = new Shadow(spec, this.state());
		this.#record();
	}

	state(upTo = this.accepted.length): Uint8Array {
		return Y.mergeUpdates(this.accepted.slice(0, upTo));
	}

	/** Decides as the registry does: analysis, client-id claims, the domain's gate; then stores. */
	submit(update: Uint8Array, actor: Actor): Analysis {
		const before = projectLog(ref, this.log());
		const analysis = this.shadow.analyze(update, new Set(['notes']));
		const refused = (code: string): Analysis => {
			this.shadow = new Shadow(spec, this.state());
			return { ok: false, code: code as never, detail: code };
		};
		if (!analysis.ok) {
			if (!analysis.untouched) this.shadow = new Shadow(spec, this.state());
			return analysis;
		}
		if (analysis.noop) return analysis;
		const claims = claimsFor(analysis.clients, this.owners, actor.userId);
		if (!claims.ok) return refused(claims.code);
		// An id with structs and no owner is the server's (the store's table is complete here).
		if (claims.existing.length > 0) return refused('sync_client_id_taken');
		const verdict = checkAppends(ref, before, analysis.appended, actor, { now: NOW }).find(
			(check) => !check.ok
		);
		if (verdict && !verdict.ok) return refused(verdict.code);
		for (const client of claims.fresh) this.owners.set(client, actor.userId);
		this.accepted.push(update);
		this.#check();
		this.#record();
		return analysis;
	}

	/** `reserveClient`: a writer's presence id is theirs unless someone claimed it first. */
	reserve(client: number, owner: string): void {
		if (!this.owners.has(client)) this.owners.set(client, owner);
	}

	log(): Array<{ id: string }> {
		return this.shadow.log.toArray() as Array<{ id: string }>;
	}

	#outcomes(): Map<string, string> {
		const log = this.log();
		const state = projectLog(ref, log);
		const superseded = new Map(state.superseded.map((s) => [s.eventId, s.code]));
		// The first copy of an id is the acknowledged one; a later duplicate has its own outcome.
		const outcomes = new Map<string, string>();
		log.forEach((entry, index) => {
			if (!outcomes.has(entry.id)) {
				outcomes.set(entry.id, `${index} ${superseded.get(entry.id) ?? 'applied'}`);
			}
		});
		return outcomes;
	}

	#check(): void {
		const now = this.#outcomes();
		for (const [id, was] of this.acknowledged) {
			if (now.get(id) !== was) {
				throw new Error(`acknowledged ${id} changed: ${was} -> ${now.get(id)}`);
			}
		}
	}

	#record(): void {
		for (const [id, outcome] of this.#outcomes()) this.acknowledged.set(id, outcome);
	}
}

function run(ops: readonly Op[], clientIds: readonly number[]): void {
	const server = new Server();
	let counter = 0;
	const writers: Writer[] = clientIds.map((clientId) => {
		const doc = new Y.Doc();
		doc.clientID = clientId;
		Y.applyUpdate(doc, server.state());
		return { doc, online: true, pending: new Set() };
	});
	const made = new Set<string>();
	let nextClientId = 3000;
	/** client ids the honest writers' presence showed: the only ones an attacker can know */
	const shown = new Set<number>();

	const sync = (w: Writer, receiveFirst: boolean) => {
		if (receiveFirst) Y.applyUpdate(w.doc, server.state());
		const vector = Y.encodeStateVectorFromUpdate(server.state());
		const update = Y.encodeStateAsUpdate(w.doc, vector);
		const analysis = server.submit(update, honest);
		const log = w.doc.getArray<{ id: string }>(LOG_KEY);
		const entries = log.toArray();
		const undelivered = entries.filter((entry) => w.pending.has(entry.id));
		if (analysis.ok) {
			for (const id of w.pending) if (server.log().some((e) => e.id === id)) w.pending.delete(id);
		} else if (analysis.code === 'sync_log_not_at_tail') {
			// The app's rebase: the undelivered events move to the tail of the same document.
			const at = entries.flatMap((e, i) => (w.pending.has(e.id) ? [i] : []));
			w.doc.transact(() => {
				for (const i of [...at].reverse()) log.delete(i, 1);
				log.push(undelivered);
			});
		} else if (analysis.code === 'sync_client_id_taken') {
			// Someone claimed this device's id first (it is seen in presence): the app rebuilds from
			// the server under a fresh client id and appends its pending events again.
			const fresh = new Y.Doc();
			fresh.clientID = nextClientId++;
			Y.applyUpdate(fresh, server.state());
			fresh.getArray(LOG_KEY).push(undelivered);
			w.doc = fresh;
		} else {
			throw new Error(`honest update refused: ${analysis.code} ${analysis.detail}`);
		}
	};

	for (const step of ops) {
		if (step.kind === 'attack') {
			const seen = [...shown];
			const clientId =
				typeof step.clientId === 'number'
					? step.clientId
					: (seen[step.clientId.writer % Math.max(1, seen.length)] ?? 500);
			if (step.move === 'gc') {
				// Erase that client's next 2^40 clocks (its later edits would look already known).
				const clock = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(server.state())).get(
					clientId
				);
				server.submit(
					craftedUpdate(clientId, clock ?? 0, [{ kind: 'gc', length: 2 ** 40 }]),
					mallory
				);
				continue;
			}
			const fork = new Y.Doc();
			fork.clientID = clientId;
			Y.applyUpdate(fork, server.state(1 + (step.from % server.accepted.length)));
			const before = Y.encodeStateVector(fork);
			const log = fork.getArray<{ id: string }>(LOG_KEY);
			const known = [...server.acknowledged.keys()];
			const id =
				step.reuse >= 0 && known.length > 0
					? (known[step.reuse % known.length] as string)
					: `x${counter++}`;
			const value = tenantUserAdded(id, counter++, mallory, step.stamp);
			const at = step.at % (log.length + 1);
			if (step.move === 'push') log.push([value]);
			else if (step.move === 'insert') log.insert(at, [value]);
			else if (step.move === 'delete') {
				if (log.length > 0) log.delete(Math.min(at, log.length - 1), 1);
			} else {
				fork.transact(() => {
					log.insert(at, [value]);
					log.delete(at, 1);
					log.push([value]);
				});
			}
			server.submit(Y.encodeStateAsUpdate(fork, before), mallory);
			continue;
		}
		const w = writers[step.writer] as Writer;
		if (step.kind === 'append') {
			const id = `h${counter++}`;
			w.doc.getArray(LOG_KEY).push([tenantUserAdded(id, counter)]);
			w.pending.add(id);
			made.add(id);
		} else if (step.kind === 'type') {
			w.doc.getText('notes').insert(0, 'n');
		} else if (step.kind === 'toggle') {
			w.online = !w.online;
		} else if (step.kind === 'announce') {
			if (w.online) {
				server.reserve(w.doc.clientID, honest.userId);
				shown.add(w.doc.clientID);
			}
		} else if (w.online) {
			sync(w, step.receiveFirst);
		}
	}
	// Everyone comes back online: honest work always arrives (each try receives the server first).
	for (let round = 0; round < 3 * WRITERS + 3; round += 1) {
		for (const w of writers) if (w.pending.size > 0) sync(w, true);
	}
	const ids = server.log().map((e) => e.id);
	for (const id of made) expect(ids).toContain(id);
	// Ids are unique at the door: no forged copy of any event follows it.
	expect(new Set(ids).size).toBe(ids.length);
	for (const w of writers) expect(w.pending.size).toBe(0);
}

describe('the server gate against generated traffic', () => {
	it('never changes an acknowledged event and always delivers honest work', () => {
		fc.assert(
			fc.property(
				fc.array(op, { minLength: 1, maxLength: 40 }),
				fc.uniqueArray(fc.integer({ min: 1000, max: 1999 }), {
					minLength: WRITERS,
					maxLength: WRITERS
				}),
				(ops, clientIds) => run(ops, clientIds)
			),
			{ seed: SEED, numRuns: RUNS }
		);
	});

	it('delivers the work of a device whose client id an attacker wrote under first', () => {
		// The id is seen in presence before the device writes: the attacker's item at its first
		// clock would make the device's own first event look already known, and it would be lost.
		run(
			[
				{ kind: 'announce', writer: 0 },
				{ kind: 'toggle', writer: 0 },
				{ kind: 'append', writer: 0 },
				{
					kind: 'attack',
					from: 0,
					clientId: { writer: 0 },
					move: 'push',
					at: 0,
					reuse: -1,
					stamp: 'now'
				},
				{ kind: 'toggle', writer: 0 },
				{ kind: 'sync', writer: 0, receiveFirst: true }
			],
			[1000, 1001, 1002]
		);
	});
});
