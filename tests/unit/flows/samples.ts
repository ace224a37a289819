// One valid payload per event type (a complete record, so a new event type must add one here).
import type { EventType, PayloadOf } from '$lib/domain/events';
import { DAY, DEVICE_HASH, HASH, T0 } from '../factories';

const address = {
	line1: '1-2-3 Marunouchi',
	city: 'Chiyoda-ku',
	postalCode: '100-0005',
	country: 'JP'
};
const support = { email: 'support@contoso.co.jp', url: 'https://contoso.co.jp/support' };
const offers = { technicalTraining: true, marketingHelp: false, financing: true };

export const SAMPLE_PAYLOADS: { readonly [T in EventType]: PayloadOf<T> } = {
	'org.created': {
		kind: 'indirectReseller',
		legalName: 'Contoso KK',
		country: 'JP',
		tenant: { domain: 'contoso.onmicrosoft.example', country: 'JP' },
		mpnId: null,
		alreadyEnrolledInCsp: false
	},
	'org.profileUpdated': { support },
	'user.added': {
		userId: 'u-1',
		email: 'u1@contoso.co.jp',
		fullName: 'Aiko Sato',
		roles: ['salesAgent'],
		temporaryPassword: { hash: DEVICE_HASH, expiresAt: T0 + 14 * DAY }
	},
	'user.rolesChanged': { userId: 'u-1', roles: ['adminAgent'] },
	'user.disabled': { userId: 'u-1' },
	'user.enabled': { userId: 'u-1' },
	'user.removed': { userId: 'u-1' },
	'user.passwordChanged': { userId: 'u-1' },
	'enrollment.mpnLinked': {
		pmcUserName: 'admin@contoso.co.jp',
		profiles: [{ mpnId: '1234567', legalName: 'Contoso KK', country: 'JP' }]
	},
	'enrollment.submitted': {
		track: 'new',
		mpnId: '1234567',
		legalProfile: { legalName: 'Contoso KK', address },
		primaryContact: { name: 'Aiko Sato', email: 'aiko@contoso.co.jp' },
		support
	},
	'enrollment.emailVerified': {},
	'enrollment.approved': {},
	'enrollment.rejected': { reason: 'The legal business name does not match the registry.' },
	'enrollment.infoRequested': { message: 'Please add your postal code.' },
	'enrollment.adminAgentConfirmed': {},
	'invitation.created': {
		invitationId: 'inv-1',
		kind: 'reseller',
		tokenHash: HASH,
		expiresAt: T0 + 7 * DAY
	},
	'invitation.revoked': { invitationId: 'inv-1' },
	'invitation.addressed': { invitationId: 'inv-1', recipient: 'partner@adatum.example.com' },
	'invitation.redeemed': { invitationId: 'inv-1', orgId: 'contoso' },
	'partnership.invited': { invitationId: 'inv-1', expiresAt: T0 + 7 * DAY },
	'partnership.authorized': { acknowledged: true },
	'partnership.revoked': {},
	'partnership.adminAccessRemoved': {},
	'partnership.ended': {},
	'customer.created': { legalName: 'Tailspin', domain: 'tailspin.example.com', country: 'JP' },
	'relationship.requested': {
		relationshipId: 'rel-1',
		invitationId: 'inv-c1',
		resellerId: 'contoso',
		providerId: null,
		expiresAt: T0 + 7 * DAY
	},
	'relationship.accepted': { relationshipId: 'rel-1' },
	'relationship.declined': { relationshipId: 'rel-1' },
	'relationship.ended': { relationshipId: 'rel-1', scope: 'all' },
	'tenantUser.added': {
		tenantUserId: 'tu-1',
		displayName: 'Ken Ito',
		userName: 'ken@tailspin.example.com'
	},
	'tenantUser.removed': { tenantUserId: 'tu-1' },
	'license.assigned': { subscriptionId: 'sub-1', tenantUserId: 'tu-1' },
	'license.unassigned': { subscriptionId: 'sub-1', tenantUserId: 'tu-1' },
	'order.submitted': {
		orderId: 'o-1',
		onBehalfOf: null,
		lines: [{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity: 10 }]
	},
	'order.provisioned': {
		orderId: 'o-1',
		newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
	},
	'order.failed': { orderId: 'o-1', reason: 'The offer is not available in this market.' },
	'directory.entryPublished': {
		providerId: 'fabrikam',
		legalName: 'Fabrikam Distribution',
		country: 'JP',
		regionsServed: ['JP', 'KR'],
		offers,
		contact: { email: 'partners@fabrikam.example.com' }
	},
	'directory.entryUpdated': { providerId: 'fabrikam', offers: { ...offers, marketingHelp: true } }
};
