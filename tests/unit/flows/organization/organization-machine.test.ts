// The organization machine: every state and refusal reached from its log's events.
import {
	organizationMachine,
	organizationRefusals
} from '$lib/flows/organization/organization.machine';
import { describe, it } from 'vitest';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { fact, orgWorld } from '../worlds';

describe('organization machine', () => {
	it('reaches every state along generated paths', () => {
		const world = orgWorld('indirectProvider', []);
		const facts = [
			fact('org.created', SAMPLE_PAYLOADS['org.created'], world),
			fact('org.profileUpdated', SAMPLE_PAYLOADS['org.profileUpdated'], world)
		];
		expectFullCoverage(
			organizationMachine,
			exploreLogMachine(organizationMachine, organizationRefusals, facts)
		);
	});
});
