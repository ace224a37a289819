// The read model of each document kind: what a projection of its log produces (plain JSON data,
// but for the set of claimed ids the server's door consults).
import type {
	CustomerRelationship,
	CustomerTenant,
	DirectoryEntry,
	EnrollmentApplication,
	InvalidEntry,
	Invitation,
	Order,
	Organization,
	OrgUser,
	Partnership,
	Subscription,
	SupersededEvent,
	TenantUser
} from '$lib/domain/model';
import type { DomainEvent } from '$lib/domain/events';

export interface ProjectionBase {
	/** log entries seen so far (valid or not): the next appended entry's index */
	length: number;
	/** events kept in the log but refused by the machines, in log order */
	superseded: SupersededEvent[];
	/** entries that are not valid events (kept, never applied), in log order */
	invalid: InvalidEntry[];
	/**
	 * What no new event may claim again (`claimsOf`): the id of every valid event of the log, and
	 * the ids of what applied events created. A Set, so checking an event costs O(1) however long
	 * the log is.
	 */
	claimed: Set<string>;
}

export interface OrgDocumentState extends ProjectionBase {
	kind: 'org';
	orgId: string;
	org: Organization | null;
	users: Record<string, OrgUser>;
	enrollment: EnrollmentApplication;
}

/** The invitation links an org sent (`invitations/<orgId>`), apart from its org document. */
export interface InvitationsDocumentState extends ProjectionBase {
	kind: 'invitations';
	orgId: string;
	invitations: Record<string, Invitation>;
}

export interface PartnershipDocumentState extends ProjectionBase {
	kind: 'partnership';
	partnership: Partnership;
}

export interface CustomerDocumentState extends ProjectionBase {
	kind: 'customer';
	customerId: string;
	customer: CustomerTenant | null;
	relationships: Record<string, CustomerRelationship>;
	tenantUsers: Record<string, TenantUser>;
	subscriptions: Record<string, Subscription>;
	orders: Record<string, Order>;
}

export interface DirectoryDocumentState extends ProjectionBase {
	kind: 'directory';
	entries: Record<string, DirectoryEntry>;
}

export type DocumentProjection =
	| OrgDocumentState
	| InvitationsDocumentState
	| PartnershipDocumentState
	| CustomerDocumentState
	| DirectoryDocumentState;

/** What a log machine receives: the event, and the read model as it stands before it. */
export type Fact<E extends DomainEvent, W> = E extends DomainEvent
	? { readonly type: E['type']; readonly event: E; readonly world: W }
	: never;

export type FactOf<T extends DomainEvent['type'], W> = Fact<Extract<DomainEvent, { type: T }>, W>;
