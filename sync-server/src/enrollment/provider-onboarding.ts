// The program operator adds an indirect provider to the program: its org (legal profile), a first
// admin with a temporary password (shown once to the operator, stored only as a hash, changed at
// first sign-in) and its entry in the directory that resellers search.
import type { Logger } from 'pino';
import { HybridLogicalClock } from '$lib/domain/clock';
import { documentName, type DocumentRef } from '$lib/domain/documents';
import { PROGRAM_ORG_ID } from '$lib/domain/ids';
import { can } from '$lib/domain/permissions';
import { normalizeEmail } from '$lib/domain/rules';
import { newOrgEvents } from '$lib/flows/organization/new-org';
import { rolesOf } from '$lib/flows/users/org-queries';
import { newProviderRequest } from '$lib/protocol/enrollment-api';
import type { AccountService } from '../accounts/account-service.js';
import { newId } from '../accounts/tokens.js';
import type { EventMaker } from '$lib/flows/documents/decision';
import { fieldErrors } from '../field-errors.js';
import { eventMaker } from '../system-events.js';
import { SYSTEM_ACTOR } from '../authorize.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { AccountRow } from '../store/account-store.js';
import type { Failure } from './enrollment-service.js';

export const TEMPORARY_PASSWORD_TTL_MS = 7 * 24 * 60 * 60_000;

export interface ProviderOnboardingDeps {
	readonly registry: DocumentRegistry;
	readonly accounts: AccountService;
	readonly log: Logger;
	readonly now?: () => number;
}

export interface AddedProvider {
	readonly ok: true;
	readonly orgId: string;
	readonly adminEmail: string;
}

export class ProviderOnboarding {
	readonly #deps: ProviderOnboardingDeps;
	readonly #now: () => number;
	readonly #clock = new HybridLogicalClock('sync-server-program');
	readonly #event: EventMaker;

	constructor(deps: ProviderOnboardingDeps) {
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		this.#event = eventMaker(this.#clock, this.#now);
	}

	/** Program operators who manage the directory add providers. */
	async mayAdd(account: AccountRow): Promise<boolean> {
		if (account.org_id !== PROGRAM_ORG_ID) return false;
		const org = await this.#deps.registry.current({ kind: 'org', orgId: PROGRAM_ORG_ID });
		return org?.kind === 'org' && can(rolesOf(org, account.id), 'manageDirectory');
	}

	async add(account: AccountRow, body: Record<string, unknown>): Promise<AddedProvider | Failure> {
		if (!(await this.mayAdd(account))) {
			return { ok: false, status: 403, code: 'enrollment_reviewer_only' };
		}
		const parsed = newProviderRequest.safeParse(body);
		if (!parsed.success) {
			return {
				ok: false,
				status: 400,
				code: 'error_field_invalid',
				fields: fieldErrors(parsed.error)
			};
		}
		const input = parsed.data;
		const email = normalizeEmail(input.admin.email);
		if (await this.#deps.accounts.store.byEmail(email)) {
			return {
				ok: false,
				status: 409,
				code: 'error_email_taken',
				fields: { 'admin.email': 'error_email_taken' }
			};
		}
		const orgId = newId();
		const userId = newId();
		const hash = input.admin.temporaryPasswordHash;
		const ok =
			(await this.#append(
				{ kind: 'org', orgId },
				newOrgEvents(
					this.#event,
					{
						kind: 'indirectProvider',
						legalName: input.legalName,
						country: input.country,
						tenant: null,
						mpnId: null,
						alreadyEnrolledInCsp: true
					},
					{
						userId,
						email,
						fullName: input.admin.fullName,
						roles: ['globalAdmin', 'adminAgent'],
						temporaryPassword: { hash, expiresAt: this.#now() + TEMPORARY_PASSWORD_TTL_MS },
						passwordChosen: false
					}
				)
			)) &&
			(await this.#append({ kind: 'directory' }, [
				this.#event('directory.entryPublished', {
					providerId: orgId,
					legalName: input.legalName,
					country: input.country,
					regionsServed: input.regionsServed,
					offers: input.offers,
					contact: input.contact,
					...(input.description ? { description: input.description } : {})
				})
			]));
		if (!ok) return { ok: false, status: 409, code: 'error_not_allowed_now' };
		this.#deps.log.info({ org: orgId, by: account.id }, 'indirect provider added');
		return { ok: true, orgId, adminEmail: email };
	}

	async #append(ref: DocumentRef, events: object[]): Promise<boolean> {
		const verdict = await this.#deps.registry.appendEvents(documentName(ref), events, SYSTEM_ACTOR);
		if (!verdict.ok) {
			this.#deps.log.warn({ doc: documentName(ref), code: verdict.code }, 'provider event refused');
		}
		return verdict.ok;
	}
}
