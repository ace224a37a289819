// Enrollment routes (issue 7), JSON in and out like /api/auth, refused with its `refuse` and
// `signedIn` (api.ts); their contract is src/lib/protocol/enrollment-api.ts:
//   POST /api/enrollment/work-account   "Create one": work account + org, then signed in (cookies)
//   GET  /api/enrollment/work-account   the signed-in work account (indirect reseller global admin)
//   POST /api/enrollment/pmc/sign-in    Partner Membership Center sign-in: links the MPN ID profiles
//   POST /api/enrollment/pmc/profile    checks the organization profile choice (country/region rule)
//   POST /api/enrollment/verify-email   the primary contact's verification link (token capability)
//   GET  /api/mailbox                   the local outbox (program operators who review enrollment)
//   GET  /api/pmc/profiles              the Partner Membership Center registry (same reviewers)
//   POST /api/program/providers         adds an indirect provider (org, first admin, directory)
import type { IncomingMessage } from 'node:http';
import {
	ENROLLMENT_PATHS,
	type MailboxAnswer,
	type NewProviderAnswer,
	type NewWorkAccountAnswer,
	type PmcProfilesAnswer,
	type PmcSignInAnswer,
	type VerifyEmailAnswer,
	type WorkAccountAnswer
} from '$lib/protocol/enrollment-api';
import type { AccountService, Authenticated } from '../accounts/account-service.js';
import type { EnrollmentService } from '../enrollment/enrollment-service.js';
import type { Mailer } from '../enrollment/mailer.js';
import type { PmcRegistry } from '../enrollment/pmc-registry.js';
import type { ProviderOnboarding } from '../enrollment/provider-onboarding.js';
import type { AccountRow } from '../store/account-store.js';
import {
	readJson,
	refuse,
	send,
	signedIn,
	type DescribedUser,
	type Refusal,
	type Route
} from './api.js';
import { sessionCookies } from './cookies.js';
import { clientAddress, isHttps, type OriginPolicy } from './origin.js';

export interface EnrollmentApiDeps {
	readonly accounts: AccountService;
	readonly enrollment: EnrollmentService;
	readonly mailer: Mailer;
	readonly pmc: PmcRegistry;
	readonly providers: ProviderOnboarding;
	readonly policy: OriginPolicy;
	readonly describe: (account: AccountRow) => Promise<DescribedUser>;
	readonly now?: () => number;
}

export function enrollmentRoutes(deps: EnrollmentApiDeps): Record<string, Route> {
	const now = deps.now ?? Date.now;
	const { accounts, enrollment } = deps;

	/** A program operator who reviews enrollment, signed in (see `signedIn`), or the refusal. */
	async function reviewer(req: IncomingMessage): Promise<Authenticated | Refusal> {
		const auth = await signedIn(accounts, req);
		if (!auth.ok || (await enrollment.isReviewer(auth.account))) return auth;
		return { ok: false, status: 403, code: 'enrollment_reviewer_only' };
	}

	return {
		[`POST ${ENROLLMENT_PATHS.workAccount}`]: async (req, res) => {
			const body = await readJson(req);
			const created = await enrollment.createWorkAccount(body, clientAddress(req, deps.policy));
			if (!created.ok) return refuse(res, created);
			const result = await accounts.signIn(
				created.email,
				created.password,
				clientAddress(req, deps.policy)
			);
			if (!result.ok) return refuse(res, result);
			const work = await enrollment.workAccountOf(result.account);
			send(
				res,
				201,
				{
					user: await deps.describe(result.account),
					accessExpiresAt: new Date(result.grant.accessExpiresAt).toISOString(),
					workAccount: work.ok ? work.workAccount : null
				} satisfies NewWorkAccountAnswer,
				{ 'Set-Cookie': sessionCookies(result.grant, now(), isHttps(req, deps.policy)) }
			);
		},
		[`GET ${ENROLLMENT_PATHS.workAccount}`]: async (req, res) => {
			const auth = await signedIn(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			const work = await enrollment.workAccountOf(auth.account);
			if (!work.ok) return refuse(res, work);
			send(res, 200, { workAccount: work.workAccount } satisfies WorkAccountAnswer);
		},
		[`POST ${ENROLLMENT_PATHS.pmcSignIn}`]: async (req, res) => {
			const auth = await signedIn(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			const body = await readJson(req);
			const result = await enrollment.signInPmc(
				auth.account,
				body,
				clientAddress(req, deps.policy)
			);
			if (!result.ok) return refuse(res, result);
			send(res, 200, { profiles: result.profiles } satisfies PmcSignInAnswer);
		},
		[`POST ${ENROLLMENT_PATHS.pmcProfile}`]: async (req, res) => {
			const auth = await signedIn(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			const result = await enrollment.chooseProfile(auth.account, await readJson(req));
			if (!result.ok) return refuse(res, result);
			send(res, 204, undefined);
		},
		[`POST ${ENROLLMENT_PATHS.verifyEmail}`]: async (req, res) => {
			const result = await enrollment.verifyEmail(
				await readJson(req),
				clientAddress(req, deps.policy)
			);
			if (!result.ok) return refuse(res, result);
			send(res, 200, { verified: true } satisfies VerifyEmailAnswer);
		},
		[`GET ${ENROLLMENT_PATHS.mailbox}`]: async (req, res) => {
			const auth = await reviewer(req);
			if (!auth.ok) return refuse(res, auth);
			send(res, 200, {
				transport: deps.mailer.usesSmtp ? 'smtp' : 'outbox',
				messages: deps.mailer.outbox()
			} satisfies MailboxAnswer);
		},
		[`POST ${ENROLLMENT_PATHS.providers}`]: async (req, res) => {
			const auth = await signedIn(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			const result = await deps.providers.add(auth.account, await readJson(req));
			if (!result.ok) return refuse(res, result);
			send(res, 201, {
				orgId: result.orgId,
				adminEmail: result.adminEmail
			} satisfies NewProviderAnswer);
		},
		[`GET ${ENROLLMENT_PATHS.pmcProfiles}`]: async (req, res) => {
			const auth = await reviewer(req);
			if (!auth.ok) return refuse(res, auth);
			send(res, 200, { profiles: await deps.pmc.list() } satisfies PmcProfilesAnswer);
		}
	};
}
