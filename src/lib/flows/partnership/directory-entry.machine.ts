// A provider's entry in the program's partner directory (find a provider), kept by the program.
import { setup } from 'xstate';
import type { DirectoryDocumentState, FactOf } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';

export interface DirectoryWorld {
	readonly doc: DirectoryDocumentState;
}

export type DirectoryEntryFact = FactOf<
	'directory.entryPublished' | 'directory.entryUpdated',
	DirectoryWorld
>;

export const directoryEntryMachine = setup({
	types: {} as { events: DirectoryEntryFact }
}).createMachine({
	id: 'directoryEntry',
	initial: 'none',
	states: {
		none: { on: { 'directory.entryPublished': 'published' } },
		published: { on: { 'directory.entryUpdated': 'published' } }
	}
});

export const directoryEntryRefusals: Refusals = {
	guards: {},
	states: { none: 'error_directory_entry_missing', published: 'error_directory_entry_exists' },
	otherwise: 'error_not_allowed_now'
};
