// Whom an invitation link was sent to (issue 21): the `invitation.addressed` payload's checks, its
// projection onto the link in the inviting org's invitations document (in every state of the link,
// refused for one that does not exist; an author without the capability is refused at the door)
// and the invitations read model's `recipient`.
import { describe, expect, it } from 'vitest';
import { invitationRows } from '$lib/db/read-models/invitations';
import { parseEvent } from '$lib/domain/events';
import { checkAppend } from '$lib/flows/documents/append-gate';
import { SYSTEM } from '../../factories';
import {
	invitationPayload,
	invitationsLog,
	PROVIDER,
	providerAdmin,
	providerLinksRef,
	RESELLER
} from '../scenarios';
import { invitations } from '../states';

const links = (log: readonly unknown[]) => invitations(providerLinksRef, log);

const addressed = (payload: unknown) => ({
	id: 'e-1',
	type: 'invitation.addressed',
	at: '001750000000000-00000-test',
	by: providerAdmin,
	payload
});

describe('invitation.addressed payload', () => {
	it('accepts a valid email address as the recipient', () => {
		const parsed = parseEvent(
			addressed({ invitationId: 'inv-1', recipient: 'partners@adatum.example' })
		);
		expect(parsed.ok).toBe(true);
	});

	it.each([
		['not an email address', 'partners at adatum', 'error_email_invalid'],
		[
			'longer than an email address may be',
			`${'a'.repeat(250)}@adatum.example`,
			'error_field_too_long'
		],
		['missing', undefined, 'error_field_required'],
		['not text', 42, 'error_field_invalid']
	])('refuses a recipient %s', (_case, recipient, code) => {
		const parsed = parseEvent(addressed({ invitationId: 'inv-1', recipient }));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error.code).toBe(code);
	});

	it('refuses fields it does not define', () => {
		const parsed = parseEvent(
			addressed({ invitationId: 'inv-1', recipient: 'partners@adatum.example', cc: 'x@y.example' })
		);
		expect(parsed.ok).toBe(false);
	});

	it('keeps invitation.created without a recipient valid (logs written before issue 21)', () => {
		const parsed = parseEvent({
			...addressed(invitationPayload('inv-1')),
			type: 'invitation.created'
		});
		expect(parsed.ok).toBe(true);
	});
});

describe('recording whom a link was sent to', () => {
	it('puts the latest recipient on the link and in its read-model row', () => {
		const { log, push } = invitationsLog(PROVIDER);
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.created', providerAdmin, invitationPayload('inv-2'));
		push('invitation.addressed', providerAdmin, {
			invitationId: 'inv-1',
			recipient: 'first@adatum.example'
		});
		push('invitation.addressed', providerAdmin, {
			invitationId: 'inv-1',
			recipient: 'partners@adatum.example'
		});
		const state = links(log);
		expect(state.superseded).toEqual([]);
		expect(state.invitations['inv-1']).toMatchObject({
			status: 'pending',
			recipient: 'partners@adatum.example'
		});
		const rows = invitationRows(state, 'invitations/fabrikam');
		expect(rows.map((row) => [row.invitationId, row.recipient])).toEqual([
			['inv-1', 'partners@adatum.example'],
			['inv-2', null]
		]);
	});

	it('records it after the link was redeemed elsewhere, without reopening the link', () => {
		const { log, push } = invitationsLog(PROVIDER);
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		push('invitation.addressed', providerAdmin, {
			invitationId: 'inv-1',
			recipient: 'partners@adatum.example'
		});
		const state = links(log);
		expect(state.superseded).toEqual([]);
		expect(state.invitations['inv-1']).toMatchObject({
			status: 'redeemed',
			redeemedBy: RESELLER,
			recipient: 'partners@adatum.example'
		});
	});

	it('refuses to address a link that does not exist', () => {
		const { log, push } = invitationsLog(PROVIDER);
		push('invitation.addressed', providerAdmin, {
			invitationId: 'inv-9',
			recipient: 'partners@adatum.example'
		});
		const state = links(log);
		expect(state.invitations['inv-9']).toBeUndefined();
		expect(state.superseded.map((s) => s.code)).toEqual(['error_invitation_missing']);
	});

	it('refuses an author who may not send invitations', () => {
		const { log, push, event } = invitationsLog(PROVIDER);
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		const hal = { userId: 'hal', orgId: PROVIDER };
		const address = event('invitation.addressed', hal, {
			invitationId: 'inv-1',
			recipient: 'partners@adatum.example'
		});
		// Roles are the org document's: the door judges the author's, the invitations log does not.
		const state = links(log);
		expect(
			checkAppend(providerLinksRef, state, address, { ...hal, roles: ['helpdeskAgent'] })
		).toMatchObject({ ok: false, code: 'error_missing_capability' });
		expect(
			checkAppend(providerLinksRef, state, address, { ...hal, roles: ['salesAgent'] })
		).toMatchObject({ ok: true });
		expect(state.invitations['inv-1']?.recipient).toBeNull();
	});
});
