// The server's part of enrollment (issue 7): "Create one" (a work account with a new indirect
// reseller org and its tenant), Partner Membership Center sign-in that links the MPN ID profiles
// (`enrollment.mpnLinked`), the primary contact's email verification (`enrollment.emailVerified`)
// and an email to the primary contact on every status change of the application.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { HybridLogicalClock } from '$lib/domain/clock';
import { documentName } from '$lib/domain/documents';
import type { ErrorCode } from '$lib/domain/errors';
import { PROGRAM_ORG_ID } from '$lib/domain/ids';
import { can } from '$lib/domain/permissions';
import { checkProfileChoice, normalizeEmail, type PartnerNetworkProfile } from '$lib/domain/rules';
import { newOrgEvents } from '$lib/flows/organization/new-org';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { rolesOf } from '$lib/flows/users/org-queries';
import { checkOwnerPassword } from '$lib/domain/password-policy';
import { scorePassword } from '$lib/domain/password-strength';
import {
	newWorkAccountRequest,
	pmcProfileRequest,
	pmcSignInRequest,
	verifyEmailRequest,
	type WorkAccountInfo
} from '$lib/protocol/enrollment-api';
import type { AccountService } from '../accounts/account-service.js';
import { createDummyHash, hashPassword, verifyPassword } from '../accounts/passwords.js';
import { SignInLimiter, type SignInLimits } from '../accounts/sign-in-limiter.js';
import { newId, newToken, tokenHash } from '../accounts/tokens.js';
import type { EventMaker } from '$lib/flows/documents/decision';
import { fieldErrors } from '../field-errors.js';
import { eventMaker } from '../system-events.js';
import { SYSTEM_ACTOR } from '../authorize.js';
import { WindowBudget, type AddressBudget, type BudgetSettings } from '../window-budget.js';
import type { AuthCode, EnrollmentCode } from '../codes.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import type { AccountRow } from '../store/account-store.js';
import type { EnrollmentStorage } from '../store/storage.js';
import { statusEmail, verificationEmail } from './emails.js';
import type { Mailer } from './mailer.js';
import type { PmcRegistry } from './pmc-registry.js';

export type Failure = {
	readonly ok: false;
	readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 429;
	readonly code: EnrollmentCode | ErrorCode | AuthCode;
	/** field path to its error, for errors shown next to fields */
	readonly fields?: Record<string, string>;
	readonly retryAfterSeconds?: number;
};

const fail = (status: Failure['status'], code: Failure['code'], extra = {}): Failure => ({
	ok: false,
	status,
	code,
	...extra
});

export const VERIFICATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** Statuses the primary contact hears about (the account being ready is the approval email). */
const NOTICE_STATUSES = new Set([
	'emailVerificationPending',
	'underReview',
	'infoRequested',
	'rejected',
	'adminAgentCheck'
]);

export interface EnrollmentDeps {
	readonly store: EnrollmentStorage;
	readonly registry: DocumentRegistry;
	readonly accounts: AccountService;
	readonly pmc: PmcRegistry;
	readonly mailer: Mailer;
	readonly log: Logger;
	readonly hashLogN: number;
	/** the app's public origin, for links in emails */
	readonly publicUrl: () => string;
	/** an org got its first account: its documents must be indexed */
	readonly onNewOrg: (orgId: string) => void;
	/** shared throttles (a cluster keeps them in Redis); in this process's memory by default */
	readonly limiters?: { readonly pmc: SignInLimits; readonly create: SignInLimits };
	/** the verification link's per-address budget (a cluster shares it through Redis) */
	readonly verifyBudget?: (settings: BudgetSettings) => AddressBudget;
	readonly now?: () => number;
}

/** Create one is open to anyone: each address may create a few work accounts per window. */
export const CREATE_ACCOUNT_LIMITS = { perAddress: 10, addressWindowMs: 10 * 60_000 };

/**
 * The verification link is open to anyone (the token is the capability): each address may try a
 * few per window, and a wrong or malformed token costs more, so the link API cannot be used to
 * load the store (a primary contact opens one link, perhaps twice).
 */
export const VERIFY_EMAIL_LIMITS = {
	limit: 20,
	windowMs: 10 * 60_000,
	maxEntries: 100_000,
	failureCost: 4
};

export class EnrollmentService {
	readonly #deps: EnrollmentDeps;
	readonly #now: () => number;
	readonly #clock = new HybridLogicalClock('sync-server-enrollment');
	readonly #event: EventMaker;
	readonly #pmcLimiter: SignInLimits;
	readonly #createLimiter: SignInLimits;
	readonly #verifyBudget: AddressBudget;
	readonly #dummyHash: Promise<string>;

	constructor(deps: EnrollmentDeps) {
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		this.#event = eventMaker(this.#clock, this.#now);
		this.#dummyHash = createDummyHash(deps.hashLogN);
		this.#pmcLimiter = deps.limiters?.pmc ?? new SignInLimiter();
		this.#createLimiter = deps.limiters?.create ?? new SignInLimiter(CREATE_ACCOUNT_LIMITS);
		this.#verifyBudget = (deps.verifyBudget ?? ((settings) => new WindowBudget(settings)))(
			VERIFY_EMAIL_LIMITS
		);
	}

	async #org(orgId: string): Promise<OrgDocumentState | undefined> {
		const state = await this.#deps.registry.current({ kind: 'org', orgId });
		return state?.kind === 'org' ? state : undefined;
	}

	async #appendSystem(orgId: string, events: object[]): Promise<boolean> {
		const verdict = await this.#deps.registry.appendEvents(
			documentName({ kind: 'org', orgId }),
			events,
			SYSTEM_ACTOR
		);
		if (!verdict.ok) {
			this.#deps.log.warn({ org: orgId, code: verdict.code }, 'enrollment event refused');
		}
		return verdict.ok;
	}

	/**
	 * "Create one": the work account's global admin, a new indirect reseller org with its tenant
	 * (domain, country/region). The caller then signs the new admin in.
	 */
	async createWorkAccount(
		body: Record<string, unknown>,
		address: string
	): Promise<{ ok: true; email: string; password: string } | Failure> {
		const parsed = newWorkAccountRequest.safeParse(body);
		if (!parsed.success) {
			return fail(400, 'error_field_invalid', { fields: fieldErrors(parsed.error) });
		}
		const input = parsed.data;
		const weak = checkOwnerPassword(input.password, scorePassword, {
			fullName: input.fullName,
			email: input.email,
			orgName: input.legalName,
			tenantDomain: input.domain
		});
		if (weak) return fail(400, 'error_field_invalid', { fields: { password: weak } });
		const email = normalizeEmail(input.email);
		const decision = await this.#createLimiter.attempt(address, email, this.#now());
		if (!decision.allowed) {
			return fail(429, 'auth_rate_limited', { retryAfterSeconds: decision.retryAfterSeconds });
		}
		// Every attempt counts against the address's window, whatever its outcome.
		await this.#createLimiter.failed(address, email, this.#now());
		const store = this.#deps.accounts.store;
		if (await store.byEmail(email)) {
			return fail(409, 'error_email_taken', { fields: { email: 'error_email_taken' } });
		}
		const orgId = newId();
		const userId = newId();
		const passwordHash = await this.#deps.accounts.hash(input.password);
		// The store refuses a second account for one email (two requests, or two processes).
		const made = await this.#deps.accounts.create({
			id: userId,
			email,
			orgId,
			fullName: input.fullName,
			passwordHash,
			mustChangePassword: false,
			temporaryExpiresAt: null
		});
		if (!made) return fail(409, 'error_email_taken', { fields: { email: 'error_email_taken' } });
		// The log records the admin like any added user; their password was chosen here, so the
		// "temporary" one is a random secret nobody knows, already replaced (user.passwordChanged).
		const unusable = await hashPassword(randomBytes(32).toString('base64url'), this.#deps.hashLogN);
		const created = await this.#appendSystem(
			orgId,
			newOrgEvents(
				this.#event,
				{
					kind: 'indirectReseller',
					legalName: input.legalName,
					country: input.country,
					tenant: { domain: input.domain, country: input.country },
					mpnId: null,
					alreadyEnrolledInCsp: false
				},
				{
					userId,
					email,
					fullName: input.fullName,
					roles: ['globalAdmin', 'adminAgent'],
					temporaryPassword: { hash: unusable, expiresAt: this.#now() },
					passwordChosen: true
				}
			)
		);
		if (!created) {
			await store.setDisabled(userId, true, this.#now());
			return fail(400, 'error_field_invalid');
		}
		this.#deps.onNewOrg(orgId);
		this.#deps.log.info({ org: orgId }, 'work account created for enrollment');
		return { ok: true, email, password: input.password };
	}

	/** The signed-in work account, if it is an indirect reseller's global admin. */
	async workAccountOf(
		account: AccountRow
	): Promise<{ ok: true; workAccount: WorkAccountInfo } | Failure> {
		const org = await this.#org(account.org_id);
		if (!org?.org) return fail(404, 'error_org_missing');
		if (org.org.kind !== 'indirectReseller') return fail(403, 'error_wrong_org_kind');
		if (!rolesOf(org, account.id).includes('globalAdmin')) {
			return fail(403, 'error_global_admin_required');
		}
		return {
			ok: true,
			workAccount: {
				orgId: org.orgId,
				domain: org.org.tenant?.domain ?? '',
				tenantCountry: org.org.tenant?.country ?? org.org.country,
				alreadyEnrolledInCsp: org.org.alreadyEnrolledInCsp
			}
		};
	}

	/**
	 * Partner Membership Center sign-in: checks the PMC account and links its organization profiles
	 * to the work account's org (`enrollment.mpnLinked`). Same answer and work for unknown names.
	 */
	async signInPmc(
		account: AccountRow,
		body: Record<string, unknown>,
		address: string
	): Promise<{ ok: true; profiles: PartnerNetworkProfile[] } | Failure> {
		const work = await this.workAccountOf(account);
		if (!work.ok) return work;
		const parsed = pmcSignInRequest.safeParse(body);
		if (!parsed.success) return fail(400, 'auth_bad_request');
		const userName = normalizeEmail(parsed.data.userName);
		const now = this.#now();
		const decision = await this.#pmcLimiter.attempt(address, userName, now);
		if (!decision.allowed) {
			return fail(429, decision.code, { retryAfterSeconds: decision.retryAfterSeconds });
		}
		const hash = await this.#deps.pmc.passwordHashOf(userName);
		const matches = await verifyPassword(parsed.data.password, hash ?? (await this.#dummyHash));
		if (!hash || !matches) {
			await this.#pmcLimiter.failed(address, userName, now);
			return fail(401, 'pmc_invalid_credentials');
		}
		await this.#pmcLimiter.succeeded(userName);
		const profiles = await this.#deps.pmc.profilesOf(userName);
		if (profiles.length === 0) return fail(409, 'pmc_no_profiles');
		const status = (await this.#org(account.org_id))?.enrollment.status;
		if (status !== 'notStarted' && status !== 'mpnLinked') {
			return fail(409, 'error_enrollment_submitted');
		}
		const linked = await this.#appendSystem(account.org_id, [
			this.#event('enrollment.mpnLinked', { pmcUserName: userName, profiles })
		]);
		if (!linked) return fail(409, 'error_not_allowed_now');
		return { ok: true, profiles };
	}

	/** The organization profile choice (Continue): the MPN ID must be in the tenant's country. */
	async chooseProfile(
		account: AccountRow,
		body: Record<string, unknown>
	): Promise<{ ok: true } | Failure> {
		const work = await this.workAccountOf(account);
		if (!work.ok) return work;
		const parsed = pmcProfileRequest.safeParse(body);
		if (!parsed.success) return fail(400, 'auth_bad_request');
		const org = await this.#org(account.org_id);
		const refusal = checkProfileChoice(
			org?.enrollment.linkedProfiles ?? [],
			parsed.data.mpnId,
			work.workAccount.tenantCountry
		);
		return refusal ? fail(409, refusal) : { ok: true };
	}

	/**
	 * The primary contact opened the verification link (the token is the capability), from
	 * `address`, whose budget every attempt spends from (a link that is not valid, more).
	 */
	async verifyEmail(
		body: Record<string, unknown>,
		address: string
	): Promise<{ ok: true; orgId: string } | Failure> {
		const wait = await this.#verifyBudget.retryAfter(address, this.#now());
		if (wait !== null) return fail(429, 'enrollment_rate_limited', { retryAfterSeconds: wait });
		const result = await this.#verify(body);
		const guessed = !result.ok && result.code === 'enrollment_link_invalid';
		await this.#verifyBudget.spend(
			address,
			guessed ? VERIFY_EMAIL_LIMITS.failureCost : 1,
			this.#now()
		);
		return result;
	}

	async #verify(body: Record<string, unknown>): Promise<{ ok: true; orgId: string } | Failure> {
		const parsed = verifyEmailRequest.safeParse(body);
		if (!parsed.success) return fail(404, 'enrollment_link_invalid');
		const hash = tokenHash(parsed.data.token);
		const row = await this.#deps.store.verification(hash);
		if (!row) return fail(404, 'enrollment_link_invalid');
		if (row.used_at !== null) return fail(410, 'enrollment_link_used');
		if (row.expires_at <= this.#now()) return fail(410, 'enrollment_link_expired');
		const application = (await this.#org(row.org_id))?.enrollment;
		if (
			application?.status !== 'emailVerificationPending' ||
			normalizeEmail(application.primaryContact?.email ?? '') !== row.email
		) {
			return fail(410, 'enrollment_link_used');
		}
		if (!(await this.#deps.store.useVerification(hash, this.#now()))) {
			return fail(410, 'enrollment_link_used');
		}
		const verified = await this.#appendSystem(row.org_id, [
			this.#event('enrollment.emailVerified', {})
		]);
		if (!verified) return fail(409, 'error_not_allowed_now');
		return { ok: true, orgId: row.org_id };
	}

	/** Program operators who review enrollments may read the Mailbox and the PMC registry. */
	async isReviewer(account: AccountRow): Promise<boolean> {
		if (account.org_id !== PROGRAM_ORG_ID) return false;
		const org = await this.#org(PROGRAM_ORG_ID);
		return org !== undefined && can(rolesOf(org, account.id), 'reviewEnrollment');
	}

	/** Watches org documents: every new status of an application emails its primary contact. */
	async observe(live: LiveDocument): Promise<void> {
		const state = live.projector.state;
		if (state.kind !== 'org' || !state.org) return;
		const status = state.enrollment.status;
		if (status === 'notStarted' || status === 'mpnLinked') return;
		if (!(await this.#deps.store.claimNotice(state.orgId, status, this.#now()))) return;
		if (!NOTICE_STATUSES.has(status)) return;
		const to = this.#recipient(state);
		if (!to) return;
		const link =
			status === 'emailVerificationPending' ? await this.#verificationLink(state, to) : null;
		const message = link
			? verificationEmail(to, state, link)
			: statusEmail(to, state, this.#deps.publicUrl());
		void this.#deps.mailer.send(message);
	}

	#recipient(state: OrgDocumentState): string | null {
		const contact = state.enrollment.primaryContact ?? state.org?.primaryContact;
		if (contact) return normalizeEmail(contact.email);
		// Already enrolled in CSP: the shortcut has no primary contact; the global admins hear.
		const admin = Object.values(state.users).find(
			(user) => user.roles.includes('globalAdmin') && user.status === 'active'
		);
		return admin ? normalizeEmail(admin.email) : null;
	}

	async #verificationLink(state: OrgDocumentState, email: string): Promise<string> {
		const token = newToken();
		const now = this.#now();
		await this.#deps.store.insertVerification(
			tokenHash(token),
			state.orgId,
			email,
			now,
			now + VERIFICATION_TTL_MS
		);
		// In the fragment: the token never reaches a server log or a Referer header.
		return `${this.#deps.publicUrl()}/enroll/verify#token=${token}`;
	}
}
