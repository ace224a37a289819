// The enrollment calls to the sync server (issue 7): Create one, the signed-in work account,
// Partner Membership Center sign-in, the verification link, the Mailbox. Failures are thrown as
// `EnrollmentCallError` with an i18n code (and field errors from the server, next to the fields).
import { z } from 'zod';
import type { PartnerNetworkProfile } from '$lib/domain/rules';
import type {
	NewWorkAccount,
	PmcCredentials,
	WorkAccount,
	WorkAccountCredentials
} from '$lib/flows/enrollment/enrollment-wizard.machine';
import { ApiError, UnreachableError, callApi, callJson } from './api-client';
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

const workAccountSchema = z.object({
	orgId: z.string(),
	domain: z.string(),
	tenantCountry: z.string(),
	alreadyEnrolledInCsp: z.boolean()
});

const profilesSchema = z.object({
	profiles: z.array(z.object({ mpnId: z.string(), legalName: z.string(), country: z.string() }))
});

const mailSchema = z.object({
	transport: z.enum(['smtp', 'outbox']),
	messages: z.array(
		z.object({
			id: z.string(),
			from: z.string(),
			to: z.string(),
			subject: z.string(),
			text: z.string(),
			sentAt: z.string()
		})
	)
});

export type Mailbox = z.infer<typeof mailSchema>;

async function call<T>(task: () => Promise<T>): Promise<T> {
	try {
		return await task();
	} catch (error) {
		if (error instanceof UnreachableError) throw new EnrollmentCallError('enroll_offline_error');
		if (error instanceof ApiError) throw new EnrollmentCallError(error.code);
		throw error;
	}
}

async function workAccount(): Promise<WorkAccount> {
	const body = await call(() =>
		callJson('GET', '/api/enrollment/work-account', z.object({ workAccount: workAccountSchema }))
	);
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
	const response = await fetch('/api/enrollment/work-account', {
		method: 'POST',
		credentials: 'same-origin',
		cache: 'no-store',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(account),
		signal: AbortSignal.timeout(20_000)
	}).catch(() => {
		throw new EnrollmentCallError('enroll_offline_error');
	});
	const body = (await response.json().catch(() => null)) as {
		error?: { code?: string; fields?: Record<string, string> };
		workAccount?: unknown;
	} | null;
	if (!response.ok) {
		throw new EnrollmentCallError(
			body?.error?.code ?? 'error_unexpected',
			body?.error?.fields ?? {}
		);
	}
	// The server set the session cookies: the app's session is the new admin's from now on.
	await session.confirm();
	return workAccountSchema.parse(body?.workAccount);
}

export async function signInPartnerMembershipCenter(
	credentials: PmcCredentials
): Promise<PartnerNetworkProfile[]> {
	const body = await call(() =>
		callJson('POST', '/api/enrollment/pmc/sign-in', profilesSchema, credentials)
	);
	return body.profiles;
}

export async function verifyEmail(token: string): Promise<void> {
	await call(() => callApi('POST', '/api/enrollment/verify-email', { token }));
}

export function fetchMailbox(): Promise<Mailbox> {
	return call(() => callJson('GET', '/api/mailbox', mailSchema));
}

export interface NewIndirectProvider {
	readonly legalName: string;
	readonly country: string;
	readonly regionsServed: readonly string[];
	readonly offers: { technicalTraining: boolean; marketingHelp: boolean; financing: boolean };
	readonly contact: { email: string; url?: string };
	readonly description?: string;
	readonly admin: { fullName: string; email: string; temporaryPasswordHash: string };
}

/** Program operator: adds an indirect provider whose first admin's temporary password (made on
 * this device) is sent as its hash only. */
export async function addIndirectProvider(
	provider: NewIndirectProvider
): Promise<{ orgId: string; adminEmail: string }> {
	const response = await fetch('/api/program/providers', {
		method: 'POST',
		credentials: 'same-origin',
		cache: 'no-store',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(provider),
		signal: AbortSignal.timeout(20_000)
	}).catch(() => {
		throw new EnrollmentCallError('enroll_offline_error');
	});
	const body = (await response.json().catch(() => null)) as {
		error?: { code?: string; fields?: Record<string, string> };
	} | null;
	if (!response.ok) {
		throw new EnrollmentCallError(
			body?.error?.code ?? 'error_unexpected',
			body?.error?.fields ?? {}
		);
	}
	return z.object({ orgId: z.string(), adminEmail: z.string() }).parse(body);
}
