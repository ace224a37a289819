// Who else has a page of a document open, as it changes: the sync engine's presence for the
// document and page while the caller watches (no one while the engine has not started).
import type { Peer } from './presence';
import { syncClient } from './sync-client.svelte';

export function watchPagePresence(
	doc: string,
	view: string,
	onpeers: (peers: Peer[]) => void
): () => void {
	const engine = syncClient.engine;
	if (!engine) return () => {};
	return engine.watchPresence(doc, view, onpeers);
}
