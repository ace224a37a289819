// The provider authorization machine, shared by the app and the server: every state and refusal.
import {
	providerAuthorizationMachine,
	providerAuthorizationRefusals
} from '$lib/flows/partnership/provider-authorization.machine';
import { describe, it } from 'vitest';
import { provider, reseller } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { DAY, fact, partnershipWorld, T0 } from '../worlds';

describe('provider authorization machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const world = partnershipWorld();
		const facts = [
			fact('partnership.invited', SAMPLE_PAYLOADS['partnership.invited'], world),
			fact('partnership.authorized', { acknowledged: true }, world, { by: reseller }),
			fact('partnership.authorized', { acknowledged: true }, world, {
				by: reseller,
				at: T0 + 8 * DAY
			}),
			fact('partnership.revoked', {}, world, { by: provider }),
			fact('partnership.adminAccessRemoved', {}, world, { by: reseller }),
			fact('partnership.ended', {}, world, { by: reseller })
		];
		expectFullCoverage(
			providerAuthorizationMachine,
			exploreLogMachine(providerAuthorizationMachine, providerAuthorizationRefusals, facts)
		);
	});
});
