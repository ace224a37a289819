// The parties and records of tiertwo as read models: plain JSON data that projections build from
// the logs and the app stores and shows. Statuses are the states of the machines in src/lib/flows.
import type { CountryCode } from './countries';
import type { Author, OrderLine } from './events';
import type { ErrorCode } from './errors';
import type {
	LegalProfile,
	PostalAddress,
	PrimaryContact,
	ProviderOffers,
	SupportContact,
	WorkAccountTenant
} from './event-fields';
import type { SubscriptionTerm } from './offers';
import type { Role } from './permissions';
import type { InvitationKind, OrgKind, PartnerNetworkProfile } from './rules';

export type {
	LegalProfile,
	PostalAddress,
	PrimaryContact,
	ProviderOffers,
	SupportContact,
	WorkAccountTenant
} from './event-fields';

/** When and by whom something happened, for history and "since" columns. */
export interface Stamp {
	readonly at: string;
	readonly by: Author;
	readonly eventId: string;
}

export interface Organization {
	orgId: string;
	kind: OrgKind;
	legalName: string;
	address: PostalAddress | null;
	country: CountryCode;
	/** partner network ID */
	mpnId: string | null;
	primaryContact: PrimaryContact | null;
	support: SupportContact | null;
	/** the work account's tenant; its country decides which MPN profile may be chosen */
	tenant: WorkAccountTenant | null;
	alreadyEnrolledInCsp: boolean;
	created: Stamp;
}

export type UserStatus = 'awaitingFirstSignIn' | 'active' | 'disabled' | 'removed';

export interface OrgUser {
	userId: string;
	email: string;
	fullName: string;
	roles: Role[];
	status: UserStatus;
	/** the temporary password's expiry (epoch ms) while it has not been changed */
	temporaryPasswordExpiresAt: number | null;
	/** hash of the temporary password, for the server's first sign-in; null once changed */
	temporaryPasswordHash: string | null;
	added: Stamp;
}

export type InvitationStatus = 'pending' | 'revoked' | 'redeemed' | 'expired';

export interface Invitation {
	invitationId: string;
	kind: InvitationKind;
	/** set for an invitation of a new customer for the reseller and its provider at once */
	providerId: string | null;
	tokenHash: string;
	expiresAt: number;
	status: InvitationStatus;
	/** the org that redeemed the link */
	redeemedBy: string | null;
	/** the email address the link was last sent to (`invitation.addressed`); null until then */
	recipient: string | null;
	created: Stamp;
	closed: Stamp | null;
}

export type EnrollmentStatus =
	| 'notStarted'
	| 'mpnLinked'
	| 'emailVerificationPending'
	| 'underReview'
	| 'infoRequested'
	| 'rejected'
	| 'adminAgentCheck'
	| 'ready';

/** One round of the program's "Request more information" and the applicant's answer to it. */
export interface InfoRequestRound {
	message: string;
	requested: Stamp;
	/** null until the applicant resubmits (and on resubmissions from before answers existed) */
	answer: string | null;
	answered: Stamp | null;
}

export interface EnrollmentApplication {
	status: EnrollmentStatus;
	track: 'new' | 'alreadyEnrolled' | null;
	pmcUserName: string | null;
	/** profiles offered by the Partner Membership Center sign-in */
	linkedProfiles: PartnerNetworkProfile[];
	mpnId: string | null;
	legalProfile: LegalProfile | null;
	primaryContact: PrimaryContact | null;
	support: SupportContact | null;
	rejectionReason: string | null;
	/** the open request's text, while the status is infoRequested */
	infoRequest: string | null;
	/** every request for more information and its answer, oldest first */
	infoRequests: InfoRequestRound[];
	submitted: Stamp | null;
	decided: Stamp | null;
}

export type PartnershipStatus =
	'none' | 'invited' | 'authorized' | 'adminAccessRemoved' | 'revoked' | 'expired' | 'ended';

export interface Partnership {
	providerId: string;
	resellerId: string;
	status: PartnershipStatus;
	invitationId: string | null;
	expiresAt: number | null;
	/** the provider's admin access to the reseller's work account */
	adminAccess: boolean;
	invited: Stamp | null;
	authorized: Stamp | null;
	closed: Stamp | null;
	/** the parties' names the last invitation carried (null: it carried none) */
	providerName?: string | null;
	resellerName?: string | null;
}

export interface CustomerTenant {
	customerId: string;
	legalName: string;
	domain: string;
	country: CountryCode;
	created: Stamp;
}

export type RelationshipStatus =
	'requested' | 'active' | 'resellerOnly' | 'declined' | 'expired' | 'ended';

export interface CustomerRelationship {
	relationshipId: string;
	invitationId: string;
	/** reseller of record */
	resellerId: string;
	/** provider of record (combined invitation), while its part is live */
	providerId: string | null;
	/** the partners' names when the request was made (null in requests that did not carry them) */
	resellerName: string | null;
	providerName: string | null;
	combined: boolean;
	status: RelationshipStatus;
	expiresAt: number;
	requested: Stamp;
	answered: Stamp | null;
	ended: Stamp | null;
	/** when and by whom only the provider of record's part was ended (the reseller's went on) */
	providerEnded?: Stamp | null;
}

export interface TenantUser {
	tenantUserId: string;
	displayName: string;
	userName: string;
	/** subscriptions whose license this user holds */
	licenses: string[];
	added: Stamp;
}

export interface Subscription {
	subscriptionId: string;
	offerId: string;
	offerName: string;
	term: SubscriptionTerm;
	/** licenses bought; grows with every provisioned addLicenses line */
	quantity: number;
	/** tenant users holding a license, in assignment order */
	assigned: string[];
	status: 'active';
	renewsAt: number;
	orderId: string;
}

export type OrderStatus = 'draft' | 'submitted' | 'provisioned' | 'failed';

export interface Order {
	orderId: string;
	lines: OrderLine[];
	status: OrderStatus;
	submittedBy: Author;
	/** partner of record: the reseller whose customer this is */
	onBehalfOf: string;
	/** provider of record that fulfils the order, when known */
	providerId: string | null;
	failureReason: string | null;
	submitted: Stamp;
	closed: Stamp | null;
}

export interface DirectoryEntry {
	providerId: string;
	legalName: string;
	country: CountryCode;
	regionsServed: CountryCode[];
	offers: ProviderOffers;
	contact: SupportContact;
	description: string | null;
	published: Stamp;
	updated: Stamp | null;
}

/** The earlier applied event that decided a superseded one ("who won"). */
export interface DecidingEvent {
	eventId: string;
	type: string;
	by: Author;
	at: string;
}

/** An event kept in the log but refused by the machines, with why. */
export interface SupersededEvent {
	eventId: string;
	type: string;
	by: Author;
	at: string;
	code: ErrorCode;
	/** the latest applied event on the same subject before it (none: nothing earlier touched it) */
	decidedBy?: DecidingEvent;
}

/** A log entry that is not a valid event (malformed or a duplicate id); kept, never applied. */
export interface InvalidEntry {
	index: number;
	eventId: string | null;
	code: ErrorCode;
	path: string | null;
}
