// Binds a text field to a Y.Text collaborative part (the shared notes): local typing becomes the
// smallest Yjs change (common prefix and suffix kept), remote changes update the field and keep the
// caret where the user's text is, and the binding follows the document when its replica swaps the
// Y.Doc (a rebuild after a refused update). Edits persist with the replica (IndexedDB) and sync.
import * as Y from 'yjs';

/** The part of a textarea the binding uses (a plain object in unit tests). */
export interface TextField {
	value: string;
	selectionStart: number | null;
	selectionEnd: number | null;
	setSelectionRange(start: number, end: number): void;
	addEventListener(type: 'input', listener: () => void): void;
	removeEventListener(type: 'input', listener: () => void): void;
}

export interface TextEdit {
	index: number;
	remove: number;
	insert: string;
}

/** The one contiguous change that turns `before` into `after` (empty insert and remove: none). */
export function minimalEdit(before: string, after: string): TextEdit {
	let start = 0;
	const shorter = Math.min(before.length, after.length);
	while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
	let end = 0;
	while (
		end < shorter - start &&
		before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
	) {
		end += 1;
	}
	return {
		index: start,
		remove: before.length - start - end,
		insert: after.slice(start, after.length - end)
	};
}

type Delta = { insert?: unknown; retain?: number; delete?: number }[];

/** Where a position in the old text is after a change (Y.Text delta), to keep the caret in place. */
export function mapPosition(position: number, delta: Delta): number {
	let oldIndex = 0;
	let shift = 0;
	for (const op of delta) {
		if (oldIndex > position) break;
		if (op.retain !== undefined) oldIndex += op.retain;
		else if (op.delete !== undefined) {
			const removed = Math.min(op.delete, Math.max(0, position - oldIndex));
			shift -= removed;
			oldIndex += op.delete;
		} else if (typeof op.insert === 'string') {
			// Text inserted exactly at the caret goes before it only if it is not ours (it is remote).
			if (oldIndex <= position) shift += op.insert.length;
		}
	}
	return Math.max(0, position + shift);
}

/** Origin of changes typed in this field (not echoed back into it). */
const FIELD_ORIGIN = Symbol('tiertwo-shared-text');

/**
 * Keeps `field` and `text` equal both ways until the returned function is called. `editable`
 * false: the field only shows the text (typing into it is undone).
 */
export function bindText(text: Y.Text, field: TextField, editable: () => boolean): () => void {
	field.value = text.toString();
	const onInput = () => {
		const current = text.toString();
		if (!editable()) {
			field.value = current;
			return;
		}
		const edit = minimalEdit(current, field.value);
		if (edit.remove === 0 && edit.insert === '') return;
		text.doc?.transact(() => {
			if (edit.remove > 0) text.delete(edit.index, edit.remove);
			if (edit.insert) text.insert(edit.index, edit.insert);
		}, FIELD_ORIGIN);
	};
	const onChange = (event: Y.YTextEvent, transaction: Y.Transaction) => {
		if (transaction.origin === FIELD_ORIGIN) return;
		const start = field.selectionStart ?? 0;
		const end = field.selectionEnd ?? start;
		const delta = event.delta as Delta;
		field.value = text.toString();
		field.setSelectionRange(mapPosition(start, delta), mapPosition(end, delta));
	};
	field.addEventListener('input', onInput);
	text.observe(onChange);
	return () => {
		field.removeEventListener('input', onInput);
		text.unobserve(onChange);
	};
}

/** Where the binding finds the document now: a replica's current Y.Doc, or none yet. */
export type DocSource = () => Y.Doc | undefined;

/**
 * Binds `field` to the Y.Text `part` of whatever Y.Doc `source` gives, waiting for the document to
 * be opened and rebinding when it is replaced (the old Y.Doc is destroyed then). `onready` reports
 * whether a document is bound.
 */
export function bindSharedText(
	source: DocSource,
	part: string,
	field: TextField,
	editable: () => boolean,
	onready: (ready: boolean) => void = () => {}
): () => void {
	let unbind: (() => void) | null = null;
	let current: Y.Doc | null = null;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let stopped = false;
	const attach = () => {
		timer = undefined;
		if (stopped) return;
		const doc = source();
		if (!doc || doc === current || doc.isDestroyed) {
			// Not open yet (or still the one being replaced): look again shortly.
			if (!current) timer = setTimeout(attach, 200);
			return;
		}
		unbind?.();
		current = doc;
		unbind = bindText(doc.getText(part), field, editable);
		doc.once('destroy', () => {
			if (current !== doc) return;
			unbind?.();
			unbind = null;
			current = null;
			onready(false);
			// The replica assigns its new Y.Doc right after destroying the old one.
			timer = setTimeout(attach, 0);
		});
		onready(true);
	};
	attach();
	return () => {
		stopped = true;
		clearTimeout(timer);
		unbind?.();
		unbind = null;
		current = null;
	};
}
