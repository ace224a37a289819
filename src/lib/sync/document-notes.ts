// A document's shared notes bound to a text field while it is shown: the document is held open (a
// distributor's device keeps the documents nobody looks at closed) and its Y.Text `notes` bound
// (shared-text.ts). The function it returns undoes both.
import { bindSharedText, type TextField } from './shared-text';
import { syncClient } from './sync-client.svelte';

export function bindDocumentNotes(
	doc: string,
	field: TextField,
	editable: () => boolean,
	onready: (bound: boolean) => void
): () => void {
	const engine = syncClient.engine;
	if (!engine) return () => {};
	const release = engine.hold(doc);
	const unbind = bindSharedText(() => engine.replica(doc)?.doc, 'notes', field, editable, onready);
	return () => {
		unbind();
		release();
	};
}
