// Names as the app shows them: an org's or a person's name, or words saying this device does not
// know it (an id is never shown in its place). What the device knows is read by $lib/db/names.
import { parseDocumentName } from '$lib/domain/documents';
import type { Author } from '$lib/domain/events';
import { m } from '$lib/i18n/paraglide/messages.js';

/** How a person is keyed: by org and user (a user id is unique within its org). */
export const personKey = ({ orgId, userId }: Author) => `${orgId}/${userId}`;

/** The org's name, or words saying this device does not know it. */
export function orgLabel(name: string | null | undefined): string {
	return name || m.names_unknown_org();
}

/** The person's full name, or words saying this device does not know it. */
export function personLabel(name: string | null | undefined): string {
	return name || m.names_unknown_person();
}

/**
 * Names as a page shows them. Lookups return words in the current language when they are called,
 * so a change of language re-renders them without reading the database again.
 */
export class Names {
	readonly #orgs: ReadonlyMap<string, string>;
	readonly #people: ReadonlyMap<string, string>;

	constructor(
		orgs: ReadonlyMap<string, string> = new Map(),
		people: ReadonlyMap<string, string> = new Map()
	) {
		this.#orgs = orgs;
		this.#people = people;
	}

	/** The org's legal name, or undefined where this device knows none. */
	knownOrg(orgId: string): string | undefined {
		return this.#orgs.get(orgId);
	}

	/** The person's full name, or undefined where this device knows none. */
	knownPerson(author: Author): string | undefined {
		return this.#people.get(personKey(author));
	}

	/** The org's legal name, or "an organization not known on this device". */
	org(orgId: string): string {
		return orgLabel(this.knownOrg(orgId));
	}

	/** The person's full name, or "a user not known on this device". */
	person(author: Author): string {
		return personLabel(this.knownPerson(author));
	}

	/** The person with their org: "Ann Lee (Northwind)", "a user of Northwind", or words for both. */
	personAt(author: Author): string {
		const person = this.knownPerson(author);
		const org = this.knownOrg(author.orgId);
		if (person) return m.names_person_at({ name: person, org: orgLabel(org) });
		return org ? m.names_unknown_person_at({ org }) : m.names_unknown_person();
	}
}

/** The orgs a document belongs to: a customer, an org, or both sides of a partnership. */
export function documentOrgs(doc: string): string[] {
	const ref = parseDocumentName(doc);
	if (ref?.kind === 'customer') return [ref.customerId];
	if (ref?.kind === 'org' || ref?.kind === 'invitations') return [ref.orgId];
	if (ref?.kind === 'partnership') return [ref.providerId, ref.resellerId];
	return [];
}

/** A summary item's document in words: its org's name, or both partners' for a partnership. */
export function awayDocumentLabel(names: Names, doc: string): string {
	if (parseDocumentName(doc)?.kind === 'directory') return m.names_partner_directory();
	return documentOrgs(doc)
		.map((orgId) => names.org(orgId))
		.join(' – ');
}

/** Up to two initials for an avatar. */
export function initialsOf(fullName: string): string {
	const words = fullName.trim().split(/\s+/).filter(Boolean);
	const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
	return letters
		.map((word) => [...(word ?? '')][0] ?? '')
		.join('')
		.toLocaleUpperCase();
}
