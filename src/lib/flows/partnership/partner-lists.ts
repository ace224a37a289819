// The two sides of provider–reseller partnerships as lists: a provider's indirect resellers and a
// reseller's indirect providers (with shared-customer counts), their search and sort, the
// invitation links still open, and the partner directory's filters and side-by-side comparison.
import { compareHlc } from '$lib/domain/clock';
import type { PartnershipStatus, ProviderOffers } from '$lib/domain/model';

/** How long a new invitation link works (GLOSSARY: default 7 days). */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Providers a reseller can compare side by side. */
export const MAX_COMPARED_PROVIDERS = 3;

export const PROVIDER_OFFER_KEYS = ['technicalTraining', 'marketingHelp', 'financing'] as const;
export type ProviderOfferKey = (typeof PROVIDER_OFFER_KEYS)[number];

/** The partnership fields the lists read (a read-model row has them). */
export interface PartnershipFacts {
	readonly doc: string;
	readonly providerId: string;
	readonly resellerId: string;
	readonly status: string;
	readonly adminAccess: boolean;
	readonly expiresAt: number | null;
	readonly invitedAt: string | null;
	readonly authorizedAt: string | null;
	readonly closedAt: string | null;
}

export interface OrgFacts {
	readonly name: string;
	readonly country: string | null;
}

/** A live customer relationship that names both partners (a provider of record). */
export interface SharedCustomerFacts {
	readonly resellerId: string;
	readonly providerId: string;
	readonly status: string;
}

export interface PartnerRow {
	readonly doc: string;
	/** the other side: the reseller on a provider's list, the provider on a reseller's */
	readonly partnerId: string;
	/** null when this device does not know the partner's name yet */
	readonly name: string | null;
	readonly country: string | null;
	/** authorized at (or invited at, while pending): HLC timestamp */
	readonly since: string | null;
	readonly status: PartnershipStatus;
	readonly adminAccess: boolean;
	readonly expiresAt: number | null;
	readonly closedAt: string | null;
	readonly sharedCustomers: number;
}

export type PartnerSide = 'provider' | 'reseller';

/** Statuses in which the partnership is live (the other side is a partner). */
const LIVE: ReadonlySet<string> = new Set(['authorized', 'adminAccessRemoved']);

export function isLivePartnership(status: string): boolean {
	return LIVE.has(status);
}

function sharedCustomerCounts(
	relationships: readonly SharedCustomerFacts[],
	side: PartnerSide,
	me: string
): Map<string, number> {
	const counts = new Map<string, number>();
	for (const relationship of relationships) {
		if (relationship.status !== 'active') continue;
		const mine = side === 'provider' ? relationship.providerId : relationship.resellerId;
		if (mine !== me) continue;
		const other = side === 'provider' ? relationship.resellerId : relationship.providerId;
		if (!other) continue;
		counts.set(other, (counts.get(other) ?? 0) + 1);
	}
	return counts;
}

/**
 * The partners of org `me` seen from `side`: one row per partnership document it is part of,
 * named from what this device knows of the other org (`orgs`), counting the customers both share.
 */
export function partnerRows(
	side: PartnerSide,
	me: string,
	partnerships: readonly PartnershipFacts[],
	orgs: ReadonlyMap<string, OrgFacts>,
	relationships: readonly SharedCustomerFacts[]
): PartnerRow[] {
	const counts = sharedCustomerCounts(relationships, side, me);
	return partnerships
		.filter((p) => (side === 'provider' ? p.providerId : p.resellerId) === me)
		.map((p) => {
			const partnerId = side === 'provider' ? p.resellerId : p.providerId;
			const org = orgs.get(partnerId);
			return {
				doc: p.doc,
				partnerId,
				name: org?.name ?? null,
				country: org?.country ?? null,
				since: p.authorizedAt ?? p.invitedAt,
				status: p.status as PartnershipStatus,
				adminAccess: p.adminAccess,
				expiresAt: p.expiresAt,
				closedAt: p.closedAt,
				sharedCustomers: isLivePartnership(p.status) ? (counts.get(partnerId) ?? 0) : 0
			};
		});
}

export const PARTNER_SORTS = [
	'name-asc',
	'name-desc',
	'since-desc',
	'since-asc',
	'status',
	'customers-desc'
] as const;
export type PartnerSort = (typeof PARTNER_SORTS)[number];

/** Live partners first, then pending, then closed ones. */
const STATUS_ORDER: Readonly<Record<PartnershipStatus, number>> = {
	authorized: 0,
	adminAccessRemoved: 1,
	invited: 2,
	expired: 3,
	revoked: 4,
	ended: 5,
	none: 6
};

function searchText(value: string): string {
	return value.normalize('NFKC').toLowerCase().trim();
}

const displayName = (row: PartnerRow) => row.name ?? row.partnerId;

function compareSince(a: PartnerRow, b: PartnerRow): number {
	if (a.since === b.since) return 0;
	if (a.since === null) return 1;
	if (b.since === null) return -1;
	return compareHlc(a.since, b.since);
}

/** Rows whose name (or id, or country code) contains `query`, in the chosen order. */
export function searchAndSortPartners(
	rows: readonly PartnerRow[],
	query: string,
	sort: PartnerSort
): PartnerRow[] {
	const needle = searchText(query);
	const matching = needle
		? rows.filter(
				(row) =>
					searchText(displayName(row)).includes(needle) ||
					row.partnerId.includes(needle) ||
					(row.country !== null && searchText(row.country) === needle)
			)
		: [...rows];
	const byName = (a: PartnerRow, b: PartnerRow) =>
		searchText(displayName(a)).localeCompare(searchText(displayName(b))) ||
		a.partnerId.localeCompare(b.partnerId);
	const comparators: Record<PartnerSort, (a: PartnerRow, b: PartnerRow) => number> = {
		'name-asc': byName,
		'name-desc': (a, b) => byName(b, a),
		'since-desc': (a, b) => compareSince(b, a) || byName(a, b),
		'since-asc': (a, b) => compareSince(a, b) || byName(a, b),
		status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b),
		'customers-desc': (a, b) => b.sharedCustomers - a.sharedCustomers || byName(a, b)
	};
	return matching.sort(comparators[sort]);
}

/** The invitation fields the pending list reads. */
export interface InvitationFacts {
	readonly invitationId: string;
	readonly kind: string;
	readonly status: string;
	readonly expiresAt: number;
	readonly createdAt: string;
}

export type InvitationDisplayStatus = 'pending' | 'expired' | 'revoked' | 'redeemed';

/** What an invitation is now: a pending one past its expiry is expired, whatever the log says. */
export function invitationStatusAt(
	invitation: InvitationFacts,
	now: number
): InvitationDisplayStatus {
	if (invitation.status === 'pending') return invitation.expiresAt < now ? 'expired' : 'pending';
	return invitation.status as InvitationDisplayStatus;
}

/** Invitations of these kinds, newest first, each with its status at `now`. */
export function invitationsOfKinds<T extends InvitationFacts>(
	invitations: readonly T[],
	kinds: readonly string[],
	now: number
): Array<T & { displayStatus: InvitationDisplayStatus }> {
	return invitations
		.filter((invitation) => kinds.includes(invitation.kind))
		.map((invitation) => ({ ...invitation, displayStatus: invitationStatusAt(invitation, now) }))
		.sort((a, b) => compareHlc(b.createdAt, a.createdAt));
}

/** A provider's reseller invitations, newest first, each with its status at `now`. */
export function resellerInvitations<T extends InvitationFacts>(
	invitations: readonly T[],
	now: number
): Array<T & { displayStatus: InvitationDisplayStatus }> {
	return invitationsOfKinds(invitations, ['reseller'], now);
}

/** A reseller's customer invitations (alone, or with a provider), newest first. */
export function customerInvitations<T extends InvitationFacts>(
	invitations: readonly T[],
	now: number
): Array<T & { displayStatus: InvitationDisplayStatus }> {
	return invitationsOfKinds(invitations, ['customer', 'customerWithProvider'], now);
}

/** The personalized link: the token rides in the fragment, which browsers never send to a server. */
export function invitationLink(origin: string, token: string): string {
	return `${origin}/invitation#${token}`;
}

/** The token in a link's fragment (`#<token>`), or null when it is not a well-formed token. */
export function tokenFromFragment(hash: string): string | null {
	const token = hash.startsWith('#') ? hash.slice(1) : hash;
	return /^[A-Za-z0-9_-]{22,128}$/.test(token) ? token : null;
}

/** The directory entry fields the find page reads. */
export interface DirectoryFacts {
	readonly providerId: string;
	readonly legalName: string;
	readonly country: string;
	readonly regionsServed: readonly string[];
	readonly offers: ProviderOffers;
}

export interface DirectoryFilter {
	readonly query: string;
	/** '' = any country/region */
	readonly region: string;
	/** every offer listed here must be offered */
	readonly offers: readonly ProviderOfferKey[];
}

/** Providers matching the search, serving the region (its home or a region served) and offers. */
export function filterDirectory<T extends DirectoryFacts>(
	entries: readonly T[],
	filter: DirectoryFilter
): T[] {
	const needle = searchText(filter.query);
	return entries
		.filter(
			(entry) =>
				(!needle || searchText(entry.legalName).includes(needle)) &&
				(!filter.region ||
					entry.country === filter.region ||
					entry.regionsServed.includes(filter.region)) &&
				filter.offers.every((offer) => entry.offers[offer])
		)
		.sort((a, b) => a.legalName.localeCompare(b.legalName));
}

/** Every country/region some provider is in or serves, for the filter's options. */
export function directoryRegions(entries: readonly DirectoryFacts[]): string[] {
	return [...new Set(entries.flatMap((entry) => [entry.country, ...entry.regionsServed]))].sort();
}

/**
 * Adds or removes a provider from the comparison; a fourth is refused (the list comes back
 * unchanged) so the user picks which one to drop.
 */
export function toggleCompared(selected: readonly string[], providerId: string): string[] {
	if (selected.includes(providerId)) return selected.filter((id) => id !== providerId);
	if (selected.length >= MAX_COMPARED_PROVIDERS) return [...selected];
	return [...selected, providerId];
}
