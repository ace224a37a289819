// The shared notes binding: smallest Yjs changes from typing, remote edits that keep the caret on
// the user's text, read-only fields, and following a replaced Y.Doc.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	bindSharedText,
	bindText,
	mapPosition,
	minimalEdit,
	type TextField
} from '$lib/sync/shared-text';

/** A textarea as far as the binding sees it: typing sets the value and fires `input`. */
function field(): TextField & { type(value: string, caret?: number): void } {
	const listeners = new Set<() => void>();
	const f = {
		value: '',
		selectionStart: 0 as number | null,
		selectionEnd: 0 as number | null,
		setSelectionRange(start: number, end: number) {
			f.selectionStart = start;
			f.selectionEnd = end;
		},
		addEventListener: (_type: 'input', listener: () => void) => listeners.add(listener),
		removeEventListener: (_type: 'input', listener: () => void) => listeners.delete(listener),
		type(value: string, caret = value.length) {
			f.value = value;
			f.setSelectionRange(caret, caret);
			for (const listener of listeners) listener();
		}
	};
	return f;
}

/** Two replicas that exchange every update at once, like two devices online. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin !== 'remote') Y.applyUpdate(b, update, 'remote');
	});
	b.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin !== 'remote') Y.applyUpdate(a, update, 'remote');
	});
	return { a, b };
}

describe('shared text', () => {
	it('turns a keystroke into the smallest change', () => {
		expect(minimalEdit('hello world', 'hello, world')).toEqual({
			index: 5,
			remove: 0,
			insert: ','
		});
		expect(minimalEdit('aaa', 'aa')).toEqual({ index: 2, remove: 1, insert: '' });
		expect(minimalEdit('abc', 'xbc')).toEqual({ index: 0, remove: 1, insert: 'x' });
		expect(minimalEdit('same', 'same')).toEqual({ index: 4, remove: 0, insert: '' });
	});

	it('moves a caret past text inserted before it and back over text deleted before it', () => {
		expect(mapPosition(5, [{ insert: 'abc' }])).toBe(8);
		expect(mapPosition(5, [{ retain: 6 }, { insert: 'abc' }])).toBe(5);
		expect(mapPosition(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
		expect(mapPosition(5, [{ retain: 3 }, { delete: 10 }])).toBe(3);
	});

	it('shows both people’s typing to both, live, and keeps each caret on its own text', () => {
		const { a, b } = pair();
		const fa = field();
		const fb = field();
		bindText(a.getText('notes'), fa, () => true);
		bindText(b.getText('notes'), fb, () => true);
		fa.type('Renewal call in May.');
		expect(fb.value).toBe('Renewal call in May.');
		// B types at the start while A's caret is at the end of its sentence.
		fb.type('Provider: ', 0);
		fb.type('Provider: Renewal call in May.', 'Provider: '.length);
		expect(fa.value).toBe('Provider: Renewal call in May.');
		expect(fa.selectionStart).toBe(fa.value.length);
		fa.type(`${fa.value} Reseller.`);
		expect(fb.value).toBe('Provider: Renewal call in May. Reseller.');
		expect(fb.selectionStart).toBe('Provider: '.length);
		expect(a.getText('notes').toString()).toBe(b.getText('notes').toString());
	});

	it('leaves the text alone when the field is read-only', () => {
		const doc = new Y.Doc();
		doc.getText('notes').insert(0, 'Keep me');
		const f = field();
		bindText(doc.getText('notes'), f, () => false);
		f.type('Changed');
		expect(doc.getText('notes').toString()).toBe('Keep me');
		expect(f.value).toBe('Keep me');
	});

	it('waits for the document and follows it when the replica replaces its Y.Doc', async () => {
		let current: Y.Doc | undefined;
		const f = field();
		const states: boolean[] = [];
		const stop = bindSharedText(
			() => current,
			'notes',
			f,
			() => true,
			(ready) => states.push(ready)
		);
		current = new Y.Doc();
		current.getText('notes').insert(0, 'first');
		await new Promise((resolve) => setTimeout(resolve, 250));
		expect(f.value).toBe('first');
		const fresh = new Y.Doc();
		fresh.getText('notes').insert(0, 'from the server');
		// As DocumentReplica.replaceDoc does: the old one is destroyed, then the new one is in place.
		const old = current;
		old.destroy();
		current = fresh;
		await new Promise((resolve) => setTimeout(resolve, 10));
		expect(f.value).toBe('from the server');
		f.type('from the server, edited');
		expect(fresh.getText('notes').toString()).toBe('from the server, edited');
		expect(states).toEqual([true, false, true]);
		stop();
	});
});
