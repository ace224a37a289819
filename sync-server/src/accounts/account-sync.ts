// Accounts follow the org documents: a user an admin added (with a temporary password hashed on
// their device) gets an account; a disabled or removed user loses theirs and every session.
// The server records a changed temporary password back in the log as `user.passwordChanged`.
import type { Logger } from 'pino';
import { HybridLogicalClock } from '$lib/domain/clock';
import { SYSTEM_USER_ID } from '$lib/domain/ids';
import type { DomainEvent } from '$lib/domain/events';
import { normalizeEmail } from '$lib/domain/rules';
import { SYSTEM_ACTOR } from '../authorize.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { Admission } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import type { AccountRow } from '../store/storage.js';
import type { EventMaker } from '$lib/flows/documents/decision';
import { isUserEnded } from '$lib/flows/users/org-queries';
import { eventMaker } from '../system-events.js';
import type { AccountService } from './account-service.js';

export class AccountSync {
	readonly #accounts: AccountService;
	readonly #registry: DocumentRegistry;
	readonly #log: Logger;
	readonly #clock = new HybridLogicalClock('sync-server');
	readonly #now: () => number;
	readonly #event: EventMaker;
	/** emails of users added in accepted updates whose accounts are not made yet: email -> claim */
	readonly #claims = new Map<string, { readonly orgId: string; readonly userId: string }>();
	/** called when an org gets its first account (its documents must be indexed) */
	onNewOrg: (orgId: string) => void = () => {};
	/** one org document at a time, in the order their logs changed */
	#queue: Promise<void> = Promise.resolve();

	constructor(
		accounts: AccountService,
		registry: DocumentRegistry,
		log: Logger,
		now: () => number = Date.now
	) {
		this.#accounts = accounts;
		this.#registry = registry;
		this.#log = log;
		this.#now = now;
		this.#event = eventMaker(this.#clock, now);
	}

	/**
	 * Emails are unique in the whole system, which no single org document can know: a `user.added`
	 * whose email has an account (or is claimed by a user added moments ago) is refused with
	 * `error_email_taken` (the app keeps it aside and shows it); an accepted one claims its email
	 * until its account exists. Runs after checkAppend accepted every event of the update. The
	 * claims are taken before the store is asked (no other decision in this process can slip in
	 * between) and given back if the store says the email is taken. Between processes of a cluster
	 * the store's unique email is the last word: the later account is not made, and logged.
	 */
	readonly admit: Admission = async (live, appended) => {
		if (live.ref.kind !== 'org') return null;
		const orgId = live.ref.orgId;
		const additions = (appended as DomainEvent[]).filter(
			(event): event is Extract<DomainEvent, { type: 'user.added' }> => event.type === 'user.added'
		);
		if (additions.length === 0) return null;
		const claimedHere: string[] = [];
		const taken: DomainEvent[] = [];
		for (const event of additions) {
			const email = normalizeEmail(event.payload.email);
			const claim = this.#claims.get(email);
			if (claim !== undefined && claim.userId !== event.payload.userId) taken.push(event);
			else if (claim === undefined) {
				this.#claims.set(email, { orgId, userId: event.payload.userId });
				claimedHere.push(email);
			}
		}
		const store = this.#accounts.store;
		for (const event of additions) {
			if (taken.includes(event)) continue;
			const account = await store.byEmail(normalizeEmail(event.payload.email));
			if (account !== undefined && account.id !== event.payload.userId) taken.push(event);
		}
		if (taken.length > 0) {
			for (const email of claimedHere) this.#claims.delete(email);
			return {
				code: 'error_email_taken',
				message: 'an account with this email already exists',
				eventIds: taken.map((event) => event.id)
			};
		}
		return null;
	};

	/** Queues bringing the accounts of the org whose document this is in line with its users. */
	syncOrg(live: LiveDocument): void {
		const current = live.projector.state;
		if (current.kind !== 'org') return;
		// The users as they are now: every state a user passes through is seen, in order, however
		// long the store takes (a user added and activated at once still gets an account).
		const state = { orgId: current.orgId, users: structuredClone(current.users) };
		this.#queue = this.#queue
			.then(() => this.#syncOrg(state))
			.catch((error: unknown) =>
				this.#log.error({ err: error, doc: live.name }, 'account sync failed')
			);
	}

	/** Resolves once every queued sync has run. */
	idle(): Promise<void> {
		return this.#queue;
	}

	async #syncOrg(state: {
		orgId: string;
		users: Extract<LiveDocument['projector']['state'], { kind: 'org' }>['users'];
	}): Promise<void> {
		const store = this.#accounts.store;
		const now = this.#now();
		for (const user of Object.values(state.users)) {
			// Nobody may sign in as the server's own author of system events.
			if (user.userId === SYSTEM_USER_ID) continue;
			const existing = await store.byId(user.userId);
			if (!existing) {
				if (user.status !== 'awaitingFirstSignIn' || !user.temporaryPasswordHash) continue;
				const email = normalizeEmail(user.email);
				const claim = this.#claims.get(email);
				if ((await store.byEmail(email)) || (claim && claim.userId !== user.userId)) {
					this.#log.warn(
						{ org: state.orgId, user: user.userId },
						'email already has an account elsewhere'
					);
					continue;
				}
				const firstOfOrg = (await store.byOrg(state.orgId)).length === 0;
				// Another process may have made it meanwhile (every process follows the org documents).
				const created = await this.#accounts.create({
					id: user.userId,
					email,
					orgId: state.orgId,
					fullName: user.fullName,
					passwordHash: user.temporaryPasswordHash,
					mustChangePassword: true,
					temporaryExpiresAt: user.temporaryPasswordExpiresAt
				});
				if (created && firstOfOrg) this.onNewOrg(state.orgId);
				continue;
			}
			if (existing.org_id !== state.orgId) continue;
			const gone = isUserEnded(user);
			if (gone && !existing.disabled) {
				await store.setDisabled(existing.id, true, now);
				await this.#accounts.signOutEverywhere(existing.id);
			} else if (!gone && existing.disabled) {
				await store.setDisabled(existing.id, false, now);
			}
			// `active` is only reached through user.passwordChanged: the temporary password is gone.
			if (user.status === 'active' && existing.must_change_password) {
				await store.setMustChangePassword(existing.id, false, now);
			}
			const wanted = normalizeEmail(user.email);
			const email =
				wanted !== existing.email && !(await store.byEmail(wanted)) ? wanted : existing.email;
			if (email !== existing.email || user.fullName !== existing.full_name) {
				await store.setProfile(existing.id, email, user.fullName, now);
			}
		}
		// A claim ends once its account exists or its event was not applied after all.
		for (const [email, claim] of this.#claims) {
			if (claim.orgId !== state.orgId) continue;
			if ((await store.byEmail(email)) || !state.users[claim.userId]) this.#claims.delete(email);
		}
	}

	/** Records in the org's log that a user replaced their temporary password. */
	async recordPasswordChanged(account: AccountRow): Promise<void> {
		const event = this.#event('user.passwordChanged', { userId: account.id });
		const verdict = await this.#registry.appendEvents(
			this.#registry.policy.name({ kind: 'org', orgId: account.org_id }),
			[event],
			SYSTEM_ACTOR
		);
		if (!verdict.ok) {
			this.#log.warn({ code: verdict.code, user: account.id }, 'password change not recorded');
		}
	}
}
