// Projection of the `directory` document: the providers resellers can find and compare.
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { Stamp } from '$lib/domain/model';
import {
	directoryEntryMachine,
	directoryEntryRefusals,
	type DirectoryEntryFact
} from './directory-entry.machine';
import type { DirectoryDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';

export const directoryEntryStepper = createStepper(directoryEntryMachine, directoryEntryRefusals);

export function createDirectoryState(): DirectoryDocumentState {
	return {
		kind: 'directory',
		length: 0,
		superseded: [],
		invalid: [],
		claimed: new Set(),
		entries: {}
	};
}

export function applyDirectoryEvent(
	state: DirectoryDocumentState,
	event: DomainEvent,
	stamp: Stamp
): ErrorCode | null {
	if (event.type !== 'directory.entryPublished' && event.type !== 'directory.entryUpdated') {
		return 'error_wrong_document';
	}
	const existing = state.entries[event.payload.providerId];
	const result = directoryEntryStepper.step(
		directoryEntryStepper.snapshotFor(existing ? 'published' : 'none'),
		{ type: event.type, event, world: { doc: state } } as DirectoryEntryFact
	);
	if (!result.applied) return result.code;
	const { providerId, ...fields } = event.payload;
	if (event.type === 'directory.entryPublished') {
		const p = event.payload;
		state.entries[providerId] = {
			providerId,
			legalName: p.legalName,
			country: p.country,
			regionsServed: [...p.regionsServed],
			offers: p.offers,
			contact: p.contact,
			description: p.description ?? null,
			published: stamp,
			updated: null
		};
	} else if (existing) {
		Object.assign(existing, fields);
		existing.updated = stamp;
	}
	return result.code;
}
