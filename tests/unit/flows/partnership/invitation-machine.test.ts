// The invitation link machine: every state and refusal reached from the org log's events.
import { invitationMachine, invitationRefusals } from '$lib/flows/partnership/invitation.machine';
import { describe, it } from 'vitest';
import { HASH } from '../../factories';
import { admin } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { DAY, fact, orgWorld, T0 } from '../worlds';

describe('invitation machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const provider = orgWorld('indirectProvider', [], (doc) => {
			doc.invitations['inv-1'] = {
				invitationId: 'inv-1',
				kind: 'reseller',
				providerId: null,
				tokenHash: HASH,
				expiresAt: T0 + 7 * DAY,
				status: 'pending',
				redeemedBy: null,
				recipient: null,
				created: doc.org!.created,
				closed: null
			};
		});
		const facts = [
			fact('invitation.created', SAMPLE_PAYLOADS['invitation.created'], provider, { by: admin }),
			fact(
				'invitation.created',
				{ ...SAMPLE_PAYLOADS['invitation.created'], kind: 'customer' },
				provider,
				{ by: admin }
			),
			fact('invitation.revoked', { invitationId: 'inv-1' }, provider, { by: admin }),
			fact('invitation.addressed', SAMPLE_PAYLOADS['invitation.addressed'], provider, {
				by: admin
			}),
			fact('invitation.redeemed', { invitationId: 'inv-1', orgId: 'resl' }, provider),
			fact('invitation.redeemed', { invitationId: 'inv-1', orgId: 'resl' }, provider, {
				at: T0 + 8 * DAY
			})
		];
		expectFullCoverage(
			invitationMachine,
			exploreLogMachine(invitationMachine, invitationRefusals, facts)
		);
	});
});
