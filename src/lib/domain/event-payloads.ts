// The payload schema of every event type, grouped by the document that holds it.
import { z } from 'zod';
import * as f from './event-fields';
import { INVITATION_KINDS, ORG_KINDS } from './rules';

const none = z.strictObject({});
const userRef = z.strictObject({ userId: f.id });
const invitationRef = z.strictObject({ invitationId: f.id });
const relationshipRef = z.strictObject({ relationshipId: f.id });
const licenseRef = z.strictObject({ subscriptionId: f.id, tenantUserId: f.id });

const orgProfileChanges = z
	.strictObject({
		legalName: f.name.optional(),
		address: f.postalAddress.optional(),
		primaryContact: f.primaryContact.optional(),
		support: f.supportContact.optional()
	})
	.refine((changes) => Object.keys(changes).length > 0, 'error_field_required');

const orderLine = z.discriminatedUnion(
	'kind',
	[
		z.strictObject({
			kind: z.literal('newSubscription'),
			offerId: f.id,
			term: f.term,
			quantity: f.quantity
		}),
		z.strictObject({ kind: z.literal('addLicenses'), subscriptionId: f.id, quantity: f.quantity })
	],
	'error_field_invalid'
);

/**
 * The applicant's answer to the program's request for more information, sent with the resubmitted
 * application (issue 21). Optional: first submissions and logs written before it have none.
 */
const enrollmentAnswer = f.reply.optional();

const directoryEntryFields = {
	legalName: f.name,
	country: f.country,
	regionsServed: f.list(f.country, f.LIMITS.regions),
	offers: f.providerOffers,
	contact: f.supportContact,
	description: f.longText.optional()
};

export const PAYLOADS = {
	// org/<orgId>
	'org.created': z.strictObject({
		kind: z.enum(ORG_KINDS, 'error_field_invalid'),
		legalName: f.name,
		country: f.country,
		tenant: f.workAccountTenant.nullable(),
		mpnId: f.mpnId.nullable(),
		alreadyEnrolledInCsp: z.boolean('error_field_invalid')
	}),
	'org.profileUpdated': orgProfileChanges,
	'user.added': z.strictObject({
		userId: f.id,
		email: f.email,
		fullName: f.name,
		roles: f.roles,
		temporaryPassword: z.strictObject({
			hash: z
				.string()
				.min(1, 'error_field_required')
				.max(f.LIMITS.passwordHash, 'error_field_too_long'),
			expiresAt: f.epochMs
		})
	}),
	'user.rolesChanged': z.strictObject({ userId: f.id, roles: f.roles }),
	'user.disabled': userRef,
	'user.enabled': userRef,
	'user.removed': userRef,
	'user.passwordChanged': userRef,
	'enrollment.mpnLinked': z.strictObject({
		pmcUserName: f.email,
		profiles: f.list(f.partnerNetworkProfile, f.LIMITS.profiles)
	}),
	'enrollment.submitted': z.discriminatedUnion(
		'track',
		[
			z.strictObject({
				track: z.literal('new'),
				mpnId: f.mpnId,
				legalProfile: f.legalProfile,
				primaryContact: f.primaryContact,
				support: f.supportContact,
				answer: enrollmentAnswer
			}),
			z.strictObject({
				track: z.literal('alreadyEnrolled'),
				support: f.supportContact,
				answer: enrollmentAnswer
			})
		],
		'error_field_invalid'
	),
	'enrollment.emailVerified': none,
	'enrollment.approved': none,
	'enrollment.rejected': z.strictObject({ reason: f.longText }),
	'enrollment.infoRequested': z.strictObject({ message: f.longText }),
	'enrollment.adminAgentConfirmed': none,
	'invitation.created': z.discriminatedUnion(
		'kind',
		[
			z.strictObject({
				invitationId: f.id,
				kind: z.enum(
					INVITATION_KINDS.filter((k) => k !== 'customerWithProvider') as ['reseller', 'customer'],
					'error_field_invalid'
				),
				tokenHash: f.tokenHash,
				expiresAt: f.epochMs
			}),
			z.strictObject({
				invitationId: f.id,
				kind: z.literal('customerWithProvider'),
				providerId: f.id,
				tokenHash: f.tokenHash,
				expiresAt: f.epochMs
			})
		],
		'error_field_invalid'
	),
	'invitation.revoked': invitationRef,
	/**
	 * whom the link was sent to (the draft email's To), recorded once the draft is used: the link
	 * exists before its draft is addressed, and its rows tell two links apart by it (issue 21)
	 */
	'invitation.addressed': z.strictObject({ invitationId: f.id, recipient: f.email }),
	'invitation.redeemed': z.strictObject({ invitationId: f.id, orgId: f.id }),
	// partnership/<providerId>/<resellerId>
	'partnership.invited': z.strictObject({
		invitationId: f.id,
		expiresAt: f.epochMs,
		/**
		 * the parties' names as the server knew them when the link was redeemed (until authorized,
		 * the provider may not read the reseller's org document, and the names come from here)
		 */
		providerName: f.name.optional(),
		resellerName: f.name.optional()
	}),
	/** the reseller ticked the box that says what authorizing grants */
	'partnership.authorized': z.strictObject({
		acknowledged: z.literal(true, 'error_field_required')
	}),
	'partnership.revoked': none,
	'partnership.adminAccessRemoved': none,
	'partnership.ended': none,
	// customer/<customerId>
	'customer.created': z.strictObject({
		legalName: f.name,
		domain: f.workAccountTenant.shape.domain,
		country: f.country
	}),
	'relationship.requested': z.strictObject({
		relationshipId: f.id,
		invitationId: f.id,
		resellerId: f.id,
		providerId: f.id.nullable(),
		expiresAt: f.epochMs,
		/** who asks, as the server knew them (the customer cannot read its partners' org documents) */
		resellerName: f.name.optional(),
		providerName: f.name.optional()
	}),
	'relationship.accepted': relationshipRef,
	'relationship.declined': relationshipRef,
	/** `provider` ends only the provider of record's part of a combined relationship */
	'relationship.ended': z.strictObject({
		relationshipId: f.id,
		scope: z.enum(['all', 'provider'], 'error_field_invalid')
	}),
	'tenantUser.added': z.strictObject({
		tenantUserId: f.id,
		displayName: f.name,
		userName: f.email
	}),
	'tenantUser.removed': z.strictObject({ tenantUserId: f.id }),
	'license.assigned': licenseRef,
	'license.unassigned': licenseRef,
	'order.submitted': z.strictObject({
		orderId: f.id,
		/** the reseller a provider orders for (partner of record); null when a reseller orders */
		onBehalfOf: f.id.nullable(),
		lines: f.list(orderLine, f.LIMITS.orderLines)
	}),
	'order.provisioned': z.strictObject({
		orderId: f.id,
		newSubscriptions: z
			.array(
				z.strictObject({
					lineIndex: z
						.int()
						.min(0)
						.max(f.LIMITS.orderLines - 1),
					subscriptionId: f.id,
					renewsAt: f.epochMs
				})
			)
			.max(f.LIMITS.orderLines, 'error_list_too_long')
	}),
	'order.failed': z.strictObject({ orderId: f.id, reason: f.longText }),
	// directory
	'directory.entryPublished': z.strictObject({ providerId: f.id, ...directoryEntryFields }),
	'directory.entryUpdated': z
		.strictObject({
			providerId: f.id,
			legalName: directoryEntryFields.legalName.optional(),
			country: directoryEntryFields.country.optional(),
			regionsServed: directoryEntryFields.regionsServed.optional(),
			offers: directoryEntryFields.offers.optional(),
			contact: directoryEntryFields.contact.optional(),
			description: directoryEntryFields.description
		})
		.refine((changes) => Object.keys(changes).length > 1, 'error_field_required')
} as const;

export type EventType = keyof typeof PAYLOADS;
export type PayloadOf<T extends EventType> = z.infer<(typeof PAYLOADS)[T]>;
export type OrderLine = z.infer<typeof orderLine>;
