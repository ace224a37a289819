// The enrollment calls to the sync server (issue 7): Create one, the signed-in work account,
// Partner Membership Center sign-in, the verification link, the Mailbox. Failures are thrown as
// `EnrollmentCallError` with an i18n code (and field errors from the server, next to the fields).
import type { PartnerNetworkProfile } from '$lib/domain/rules';
import type {
	NewWorkAccount,
	PmcCredentials,
	WorkAccount,
	WorkAccountCredentials
} from '$lib/flows/enrollment/enrollment-wizard.machine';
import {
	ENROLLMENT_PATHS,
	mailboxAnswer,
	newProviderAnswer,
	newWorkAccountAnswer,
	pmcSignInAnswer,
	verifyEmailAnswer,
	workAccountAnswer,
	type MailboxAnswer,
	type NewProviderAnswer,
	type NewProviderRequest,
	type NewWorkAccountRequest,
	type PmcSignInRequest,
	type VerifyEmailRequest
} from '$lib/protocol/enrollment-api';
import { ApiError, SLOW_CALL, UnreachableError, callApi, callJson } from './api-client';
import { session } from './session.svelte';

export class EnrollmentCallError extends Error {
	readonly code: string;
	readonly fields: Record<string, string>;

	constructor(code: string, fields: Record<string, string> = {}) {
		super(code);
		this.name = 'EnrollmentCallError';
		this.code = code;
		this.fields = fields;
	}
}

export type Mailbox = MailboxAnswer;

/** Runs a call, its refusal thrown as an EnrollmentCallError (code and field errors). */
async function call<T>(task: () => Promise<T>): Promise<T> {
	try {
		return await task();
	} catch (error) {
		if (error instanceof UnreachableError) throw new EnrollmentCallError('enroll_offline_error');
		if (error instanceof ApiError) throw new EnrollmentCallError(error.code, error.fields);
		throw error;
	}
}

async function workAccount(): Promise<WorkAccount> {
	const body = await call(() => callJson('GET', ENROLLMENT_PATHS.workAccount, workAccountAnswer));
	return body.workAccount;
}

/** Signs in with the work account (or keeps the session of the same user) and reads it. */
export async function signInWorkAccount(credentials: WorkAccountCredentials): Promise<WorkAccount> {
	const current = session.user;
	const sameUser =
		session.status === 'signed-in' &&
		current !== null &&
		current.email.toLowerCase() === credentials.email.trim().toLowerCase();
	if (!sameUser || credentials.password !== '') {
		const result = await session.signIn(credentials.email.trim(), credentials.password);
		if (!result.ok) {
			throw new EnrollmentCallError(
				result.code === 'auth_offline' ? 'enroll_offline_error' : result.code
			);
		}
	}
	return workAccount();
}

/** "Create one": creates the work account and its tenant, then the session is this new admin's. */
export async function createWorkAccount(account: NewWorkAccount): Promise<WorkAccount> {
	const response = await call(() =>
		callApi(
			'POST',
			ENROLLMENT_PATHS.workAccount,
			account satisfies NewWorkAccountRequest,
			SLOW_CALL
		)
	);
	const body: unknown = await response.json().catch(() => null);
	// The server set the session cookies: the app's session is the new admin's from now on.
	await session.confirm();
	const { workAccount } = newWorkAccountAnswer.parse(body);
	// null only should the new org not read as a work account (it always does, just made).
	if (!workAccount) throw new EnrollmentCallError('error_unexpected');
	return workAccount;
}

export async function signInPartnerMembershipCenter(
	credentials: PmcCredentials
): Promise<PartnerNetworkProfile[]> {
	const body = await call(() =>
		callJson(
			'POST',
			ENROLLMENT_PATHS.pmcSignIn,
			pmcSignInAnswer,
			credentials satisfies PmcSignInRequest
		)
	);
	return body.profiles;
}

export async function verifyEmail(token: string): Promise<void> {
	await call(() =>
		callJson('POST', ENROLLMENT_PATHS.verifyEmail, verifyEmailAnswer, {
			token
		} satisfies VerifyEmailRequest)
	);
}

export function fetchMailbox(): Promise<Mailbox> {
	return call(() => callJson('GET', ENROLLMENT_PATHS.mailbox, mailboxAnswer));
}

/** Program operator: adds an indirect provider whose first admin's temporary password (made on
 * this device) is sent as its hash only. */
export function addIndirectProvider(provider: NewProviderRequest): Promise<NewProviderAnswer> {
	return call(() =>
		callJson('POST', ENROLLMENT_PATHS.providers, newProviderAnswer, provider, SLOW_CALL)
	);
}
