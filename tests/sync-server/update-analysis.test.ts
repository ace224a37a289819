// The structural analysis of incoming updates on a shadow document, and the validation worker's
// time budget and watchdog.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	MAX_UNBACKED_CLOCKS,
	Shadow,
	type ShadowSpec
} from '../../sync-server/src/validation/update-analysis';
import { UpdateValidator } from '../../sync-server/src/validation/update-validator';
import { craftedUpdate, quadraticUpdate } from './harness';

const spec: ShadowSpec = { logKey: 'log', parts: { notes: 'text', orderDrafts: 'map' } };
const everything = new Set(['notes', 'orderDrafts']);

function replica(state: Uint8Array | null, clientID: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	if (state) Y.applyUpdate(doc, state);
	return doc;
}

function delta(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
	const before = Y.encodeStateVector(doc);
	change(doc);
	return Y.encodeStateAsUpdate(doc, before);
}

const entry = (n: number) => ({ id: `e${n}`, n });

describe('update analysis', () => {
	it('reports plain-JSON appends to the log in order, at the tail', () => {
		const origin = replica(null, 1);
		origin.getArray('log').push([entry(1)]);
		const shadow = new Shadow(spec, Y.encodeStateAsUpdate(origin));
		const result = shadow.analyze(
			delta(origin, (d) => d.getArray('log').push([entry(2), entry(3)])),
			everything
		);
		expect(result).toMatchObject({
			ok: true,
			noop: false,
			appended: [entry(2), entry(3)]
		});
	});

	it('calls an update with nothing new a no-op', () => {
		const origin = replica(null, 1);
		origin.getArray('log').push([entry(1)]);
		const state = Y.encodeStateAsUpdate(origin);
		const shadow = new Shadow(spec, state);
		expect(shadow.analyze(state, new Set())).toMatchObject({ ok: true, noop: true, appended: [] });
	});

	it('refuses a concurrent append that lands before an event the server already had', () => {
		const base = replica(null, 5);
		base.getArray('log').push([entry(0)]);
		const state = Y.encodeStateAsUpdate(base);
		// Two offline replicas append after the same event; Yjs puts the smaller client id first.
		const low = replica(state, 1);
		const high = replica(state, 9);
		const fromHigh = delta(high, (d) => d.getArray('log').push([entry(9)]));
		const fromLow = delta(low, (d) => d.getArray('log').push([entry(1)]));
		const shadow = new Shadow(spec, state);
		expect(shadow.analyze(fromHigh, everything)).toMatchObject({ ok: true, appended: [entry(9)] });
		// Admitted, it would sit before e9, which the server acknowledged: the log as the server
		// holds it never changes, so it is refused, naming the event, and e9 keeps its place.
		expect(shadow.analyze(fromLow, everything)).toMatchObject({
			ok: false,
			code: 'sync_log_not_at_tail',
			eventIds: ['e1']
		});
		// The writer rebases: the misplaced item becomes a tombstone, its event goes to the tail.
		Y.applyUpdate(low, fromHigh);
		const rebased = delta(low, (d) => {
			const log = d.getArray('log');
			log.delete(1, 1);
			log.push([entry(1)]);
		});
		const again = new Shadow(spec, state);
		again.analyze(fromHigh, everything);
		expect(again.analyze(Y.mergeUpdates([fromLow, rebased]), everything)).toMatchObject({
			ok: true,
			appended: [entry(1)]
		});
		expect(again.log.toJSON()).toEqual([entry(0), entry(9), entry(1)]);
	});

	it('admits a log item inserted and deleted in the same update, never the deletion of a known one', () => {
		const origin = replica(null, 1);
		origin.getArray('log').push([entry(1), entry(2)]);
		const state = Y.encodeStateAsUpdate(origin);
		const writer = replica(state, 2);
		writer.getArray('log').push([entry(3)]);
		// Not yet sent: the writer's own pending item, which another writer must not delete either.
		const pending = Y.encodeStateAsUpdate(writer, Y.encodeStateVector(origin));
		const tombstone = delta(replica(state, 3), (d) => {
			const log = d.getArray('log');
			log.push([entry(4)]);
			log.delete(2, 1);
			log.push([entry(5)]);
		});
		expect(new Shadow(spec, state).analyze(tombstone, everything)).toMatchObject({
			ok: true,
			appended: [entry(5)]
		});
		const withPending = Y.mergeUpdates([state, pending]);
		const otherDeletes = delta(replica(withPending, 3), (d) => d.getArray('log').delete(2, 1));
		const shadow = new Shadow(spec, state);
		expect(shadow.analyze(pending, everything)).toMatchObject({ ok: true });
		expect(shadow.analyze(otherDeletes, everything)).toMatchObject({
			ok: false,
			code: 'sync_log_changed'
		});
	});

	it('refuses deleting, inserting before, or nesting types in the log', () => {
		const origin = replica(null, 1);
		origin.getArray('log').push([entry(1), entry(2)]);
		const state = Y.encodeStateAsUpdate(origin);
		const cases: [string, (d: Y.Doc) => void][] = [
			['sync_log_changed', (d) => d.getArray('log').delete(0, 1)],
			['sync_log_changed', (d) => d.getArray('log').insert(1, [entry(3)])],
			['sync_log_not_json', (d) => d.getArray('log').push([new Y.Map()])],
			['sync_log_not_json', (d) => d.getArray('log').push([new Uint8Array([1])])],
			['sync_unknown_part', (d) => d.getText('secret').insert(0, 'x')],
			['sync_bad_content', (d) => d.getMap('orderDrafts').set('x', new Y.Doc())]
		];
		for (const [code, change] of cases) {
			const result = new Shadow(spec, state).analyze(delta(replica(state, 2), change), everything);
			expect(result).toMatchObject({ ok: false, code });
		}
	});

	it('allows edits and deletions in collaborative parts only to users who may edit them', () => {
		const origin = replica(null, 1);
		origin.getText('notes').insert(0, 'hello world');
		const state = Y.encodeStateAsUpdate(origin);
		const edit = delta(replica(state, 2), (d) => d.getText('notes').delete(0, 6));
		expect(new Shadow(spec, state).analyze(edit, new Set(['notes']))).toMatchObject({
			ok: true,
			parts: ['notes']
		});
		expect(new Shadow(spec, state).analyze(edit, new Set())).toMatchObject({
			ok: false,
			code: 'sync_part_forbidden'
		});
	});

	it('refuses an update that depends on changes the server does not have', () => {
		const a = replica(null, 1);
		a.getArray('log').push([entry(1)]);
		const skipped = delta(a, (d) => d.getArray('log').push([entry(2)]));
		const later = delta(a, (d) => d.getArray('log').push([entry(3)]));
		expect(skipped.length).toBeGreaterThan(0);
		const shadow = new Shadow(spec, null);
		expect(shadow.analyze(later, everything)).toMatchObject({
			ok: false,
			code: 'sync_update_incomplete',
			untouched: true
		});
		// Said without applying it: the same shadow takes the whole story once it comes.
		expect(shadow.analyze(Y.encodeStateAsUpdate(a), everything)).toMatchObject({ ok: true });
		expect(shadow.log.length).toBe(3);
	});

	it('discards the shadow of an update that builds on another client’s missing change', () => {
		const a = replica(null, 1);
		a.getArray('log').push([entry(1)]);
		const b = replica(Y.encodeStateAsUpdate(a), 2);
		b.getArray('log').push([entry(2)]);
		const onlyB = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
		const result = new Shadow(spec, null).analyze(onlyB, everything);
		expect(result).toMatchObject({ ok: false, code: 'sync_update_incomplete' });
		expect('untouched' in result).toBe(false);
	});

	it('refuses garbage as malformed without throwing', () => {
		const shadow = new Shadow(spec, null);
		const result = shadow.analyze(new Uint8Array([0, 200, 200, 200, 1, 2, 3]), everything);
		expect(result.ok).toBe(false);
	});
});

describe('struct kinds and clocks', () => {
	/** A shadow holding one event of client 1 and some notes of client 2. */
	function seeded(): { state: Uint8Array; shadow: Shadow } {
		const origin = replica(null, 1);
		origin.getArray('log').push([entry(1)]);
		const writer = replica(Y.encodeStateAsUpdate(origin), 2);
		writer.getText('notes').insert(0, 'hello');
		const state = Y.encodeStateAsUpdate(writer);
		return { state, shadow: new Shadow(spec, state) };
	}

	it('refuses a GC struct for another client’s next clocks without applying it', () => {
		const { shadow } = seeded();
		const before = Y.encodeStateVector(shadow.doc);
		const result = shadow.analyze(
			craftedUpdate(1, 1, [{ kind: 'gc', length: 2 ** 40 }]),
			everything
		);
		expect(result).toMatchObject({ ok: false, code: 'sync_struct_gc', untouched: true });
		expect(Y.encodeStateVector(shadow.doc)).toEqual(before);
	});

	it('refuses a GC struct of a new client id, however short', () => {
		const { shadow } = seeded();
		for (const length of [1, 2 ** 40]) {
			expect(
				shadow.analyze(craftedUpdate(99, 0, [{ kind: 'gc', length }]), everything)
			).toMatchObject({ ok: false, code: 'sync_struct_gc' });
		}
	});

	it('ignores GC structs for clocks the document already has (Yjs skips them)', () => {
		const { shadow } = seeded();
		expect(
			shadow.analyze(craftedUpdate(2, 0, [{ kind: 'gc', length: 3 }]), everything)
		).toMatchObject({ ok: true, noop: true });
	});

	it('treats a Skip as a gap: incomplete, shadow kept', () => {
		const { shadow } = seeded();
		expect(
			shadow.analyze(
				craftedUpdate(2, 5, [
					{ kind: 'skip', length: 3 },
					{ kind: 'deleted', length: 1, root: 'notes' }
				]),
				everything
			)
		).toMatchObject({ ok: false, code: 'sync_update_incomplete', untouched: true });
		expect(
			shadow.analyze(craftedUpdate(7, 0, [{ kind: 'skip', length: 2 ** 40 }]), everything)
		).toMatchObject({ ok: false, code: 'sync_update_incomplete', untouched: true });
	});

	it('refuses a few bytes of deleted items claiming 2^40 clocks', () => {
		const { shadow } = seeded();
		const update = craftedUpdate(2, 5, [{ kind: 'deleted', length: 2 ** 40, root: 'notes' }]);
		expect(update.byteLength).toBeLessThan(20);
		expect(shadow.analyze(update, everything)).toMatchObject({
			ok: false,
			code: 'sync_clock_jump',
			untouched: true
		});
		expect(
			shadow.analyze(
				craftedUpdate(2, 5, [{ kind: 'deleted', length: MAX_UNBACKED_CLOCKS, root: 'notes' }]),
				everything
			)
		).toMatchObject({ ok: true });
	});

	it('admits what an honest client sends after typing and deleting offline, and says whose', () => {
		// A long offline stretch of notes typed, corrected and deleted, the way the text field binds
		// (inserts and deletes of plain strings), sent as one sync step 2.
		const { state, shadow } = seeded();
		const offline = replica(state, 3);
		const before = Y.encodeStateVector(offline);
		const notes = offline.getText('notes');
		for (let i = 0; i < 2000; i += 1) {
			notes.insert(notes.length, 'typed in a long offline session. ');
			if (i % 7 === 0) notes.delete(notes.length - 10, 5);
		}
		notes.insert(0, 'x'.repeat(200_000)); // a paste
		notes.delete(0, notes.length); // then everything deleted
		const update = Y.encodeStateAsUpdate(offline, before);
		const structs = Y.decodeUpdate(update).structs;
		// Deleted text travels as deleted items, never as GC structs (the parts have no nested types).
		expect(structs.every((struct) => struct instanceof Y.Item)).toBe(true);
		const deleted = structs.reduce(
			(sum, struct) =>
				sum +
				(struct instanceof Y.Item && struct.content instanceof Y.ContentDeleted
					? struct.length
					: 0),
			0
		);
		expect(deleted).toBeGreaterThan(260_000);
		expect(deleted).toBeLessThan(MAX_UNBACKED_CLOCKS / 32);
		expect(shadow.analyze(update, everything)).toMatchObject({
			ok: true,
			clients: [[3, 0]]
		});
		const more = delta(offline, (d) => d.getText('notes').insert(0, 'back online'));
		expect(shadow.analyze(more, everything)).toMatchObject({
			ok: true,
			clients: [[3, Y.getState(shadow.doc.store, 3) - 'back online'.length]]
		});
	});
});

describe('validation worker', () => {
	let validator: UpdateValidator | null = null;
	afterEach(async () => {
		await validator?.close();
		validator = null;
	});
	const source = (name: string) => ({
		name,
		spec,
		encodeState: () => Y.encodeStateAsUpdate(new Y.Doc())
	});

	it('refuses an update whose analysis takes longer than the budget', async () => {
		validator = new UpdateValidator({
			budgetMs: 20,
			watchdogMs: 10_000,
			maxOldGenerationSizeMb: 256
		});
		const result = await validator.analyze(source('a'), quadraticUpdate(3000), ['notes']);
		expect(result).toMatchObject({ ok: false, code: 'sync_update_too_complex' });
		expect(validator.restarts).toBe(0);
	});

	it('replaces a worker that stops answering, blames that update, and serves the next one', async () => {
		validator = new UpdateValidator({
			budgetMs: 60_000,
			watchdogMs: 300,
			maxOldGenerationSizeMb: 256
		});
		const stuck = validator.analyze(source('a'), quadraticUpdate(30_000), ['notes']);
		const queued = validator.analyze(
			source('b'),
			delta(new Y.Doc(), (d) => d.getArray('log').push([entry(1)])),
			[]
		);
		expect(await stuck).toMatchObject({ ok: false, code: 'sync_update_too_complex' });
		expect(await queued).toMatchObject({ ok: true, appended: [entry(1)] });
		expect(validator.restarts).toBe(1);
	});
});
