// The invitation link machine: every state and refusal reached from the invitations log's events.
import { invitationMachine, invitationRefusals } from '$lib/flows/partnership/invitation.machine';
import { describe, it } from 'vitest';
import { HASH } from '../../factories';
import { admin } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { DAY, fact, invitationsWorld, stamp, T0 } from '../worlds';

describe('invitation machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const sent = invitationsWorld((doc) => {
			doc.invitations['inv-1'] = {
				invitationId: 'inv-1',
				kind: 'reseller',
				providerId: null,
				tokenHash: HASH,
				expiresAt: T0 + 7 * DAY,
				status: 'pending',
				redeemedBy: null,
				recipient: null,
				created: stamp,
				closed: null
			};
		});
		const facts = [
			fact('invitation.created', SAMPLE_PAYLOADS['invitation.created'], sent, { by: admin }),
			// Which links an org may send is the door's (its kind is in its org document), not the log's.
			fact(
				'invitation.created',
				{ ...SAMPLE_PAYLOADS['invitation.created'], kind: 'customer' },
				sent,
				{ by: admin }
			),
			fact('invitation.revoked', { invitationId: 'inv-1' }, sent, { by: admin }),
			fact('invitation.addressed', SAMPLE_PAYLOADS['invitation.addressed'], sent, {
				by: admin
			}),
			fact('invitation.redeemed', { invitationId: 'inv-1', orgId: 'resl' }, sent),
			fact('invitation.redeemed', { invitationId: 'inv-1', orgId: 'resl' }, sent, {
				at: T0 + 8 * DAY
			})
		];
		expectFullCoverage(
			invitationMachine,
			exploreLogMachine(invitationMachine, invitationRefusals, facts)
		);
	});
});
