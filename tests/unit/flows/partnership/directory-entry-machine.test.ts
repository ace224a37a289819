// The directory entry machine, shared by the app and the server: every state and refusal.
import { createDirectoryState } from '$lib/flows/partnership/directory-document.projection';
import {
	directoryEntryMachine,
	directoryEntryRefusals
} from '$lib/flows/partnership/directory-entry.machine';
import { describe, it } from 'vitest';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { fact } from '../worlds';

describe('directory entry machine', () => {
	it('reaches every state along generated paths', () => {
		const world = { doc: createDirectoryState() };
		const program = { userId: 'olga', orgId: 'program' };
		const facts = [
			fact('directory.entryPublished', SAMPLE_PAYLOADS['directory.entryPublished'], world, {
				by: program
			}),
			fact('directory.entryUpdated', SAMPLE_PAYLOADS['directory.entryUpdated'], world, {
				by: program
			})
		];
		const exploration = exploreLogMachine(directoryEntryMachine, directoryEntryRefusals, facts);
		expectFullCoverage(directoryEntryMachine, exploration);
	});
});
