// Read model of the partner directory: providers a reseller can find by country and compare.
import type { DirectoryEntry } from '$lib/domain/model';
import type { DirectoryDocumentState } from '$lib/flows/documents/document-state';
import { searchKey } from '../text-key';

export type DirectoryEntryRow = Omit<DirectoryEntry, 'published' | 'updated'> & {
	doc: string;
	nameKey: string;
	publishedAt: string;
	updatedAt: string | null;
};

export function directoryEntryRows(
	state: DirectoryDocumentState,
	doc: string
): DirectoryEntryRow[] {
	return Object.values(state.entries).map(({ published, updated, ...entry }) => ({
		...entry,
		doc,
		nameKey: searchKey(entry.legalName),
		publishedAt: published.at,
		updatedAt: updated?.at ?? null
	}));
}
