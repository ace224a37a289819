// Enrollment on the server (issue 7): "Create one", Partner Membership Center sign-in and profile
// choice, the primary contact's verification link, status emails in the outbox, the Mailbox API.
import { generateTemporaryPassword, hashTemporaryPassword } from '$lib/sync/temporary-password';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Mailer } from '../../sync-server/src/enrollment/mailer';
import * as Y from 'yjs';
import {
	closedWith,
	cookiesFrom,
	event,
	startTestServer,
	waitForAsync,
	waitForSync,
	type Session
} from './harness';
import type { TestServer } from './harness';

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer();
});
afterAll(async () => {
	await t.close();
});

let counter = 0;
function newApplicant() {
	counter += 1;
	const domain = `applicant${counter}-${Date.now()}.example`;
	return {
		legalName: `Applicant ${counter} Ltd`,
		domain,
		country: 'US',
		fullName: `Alex Applicant ${counter}`,
		email: `admin@${domain}`,
		password: 'correct horse battery'
	};
}

async function post(pathname: string, body: unknown, session?: Session): Promise<Response> {
	return fetch(`${t.url}${pathname}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(session ? { cookie: session.cookie } : {})
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

async function get(pathname: string, session?: Session): Promise<Response> {
	return fetch(`${t.url}${pathname}`, { headers: session ? { cookie: session.cookie } : {} });
}

async function createOne(input = newApplicant()) {
	const response = await post('/api/enrollment/work-account', input);
	expect(response.status).toBe(201);
	const body = (await response.json()) as {
		user: { id: string; orgId: string; orgKind: string };
		workAccount: { orgId: string; tenantCountry: string; alreadyEnrolledInCsp: boolean };
	};
	return { input, body, session: cookiesFrom(response) };
}

async function orgState(orgId: string) {
	const state = await t.server.registry.current({ kind: 'org', orgId });
	if (state?.kind !== 'org') throw new Error(orgId);
	return state;
}

async function mailbox(): Promise<{ to: string; subject: string; text: string }[]> {
	const operator = await t.signIn('admin@program.example');
	const response = await get('/api/mailbox', operator);
	expect(response.status).toBe(200);
	return ((await response.json()) as { messages: { to: string; subject: string; text: string }[] })
		.messages;
}

async function mailTo(to: string, subject: RegExp) {
	let found: { to: string; subject: string; text: string } | undefined;
	const deadline = Date.now() + 5000;
	while (!found && Date.now() < deadline) {
		found = (await mailbox()).find((mail) => mail.to === to && subject.test(mail.subject));
		if (!found) await new Promise((resolve) => setTimeout(resolve, 50));
	}
	if (!found) throw new Error(`no email to ${to} matching ${subject}`);
	return found;
}

/** Appends one event as `by` through the stock client, like the app. */
async function append(
	session: Session,
	orgId: string,
	by: { userId: string; orgId: string },
	type: string,
	payload: Record<string, unknown>
) {
	const doc = new Y.Doc();
	const provider = t.provider(`org/${orgId}`, session, doc);
	await waitForSync(provider);
	const before = (await orgState(orgId)).length;
	doc.getArray('log').push([event(type, by, payload)]);
	await waitForAsync(async () => (await orgState(orgId)).length > before, 5000, type);
}

/** Appends one event the server must refuse; resolves with the close code and reason. */
async function refusedAppend(
	session: Session,
	orgId: string,
	by: { userId: string; orgId: string },
	type: string,
	payload: Record<string, unknown>
) {
	const doc = new Y.Doc();
	const provider = t.provider(`org/${orgId}`, session, doc);
	try {
		await waitForSync(provider);
		const closed = closedWith(provider);
		doc.getArray('log').push([event(type, by, payload)]);
		return await closed;
	} finally {
		provider.destroy();
		doc.destroy();
	}
}

const submission = (email: string, mpnId = '7000101') => ({
	track: 'new',
	mpnId,
	legalProfile: {
		legalName: 'Fine Art School',
		address: { line1: '1 Art Way', city: 'Portland', postalCode: '97201', country: 'US' }
	},
	primaryContact: { name: 'Pat Contact', email },
	support: { email: 'support@fineartschool.example' }
});

describe('Create one (work account for a brand-new reseller)', () => {
	it('creates the work account and a new indirect reseller org with its tenant, signed in', async () => {
		const { input, body, session } = await createOne();
		expect(body.user.orgKind).toBe('indirectReseller');
		expect(body.workAccount).toMatchObject({ tenantCountry: 'US', alreadyEnrolledInCsp: false });
		const state = await orgState(body.user.orgId);
		expect(state.org).toMatchObject({
			kind: 'indirectReseller',
			legalName: input.legalName,
			tenant: { domain: input.domain, country: 'US' }
		});
		expect(state.users[body.user.id]).toMatchObject({
			status: 'active',
			roles: ['globalAdmin', 'adminAgent']
		});
		const work = await get('/api/enrollment/work-account', session);
		expect(await work.json()).toEqual({ workAccount: body.workAccount });
		const documents = (await (await get('/api/auth/documents', session)).json()) as {
			documents: { name: string }[];
		};
		expect(documents.documents.map((d) => d.name)).toContain(`org/${body.user.orgId}`);
		// and signs in again with the password chosen
		await t.signIn(input.email, input.password);
	});

	it('refuses a taken email and names each invalid field', async () => {
		const taken = await post('/api/enrollment/work-account', {
			...newApplicant(),
			email: 'admin@contoso.example'
		});
		expect(taken.status).toBe(409);
		expect(((await taken.json()) as { error: { code: string } }).error.code).toBe(
			'error_email_taken'
		);
		const invalid = await post('/api/enrollment/work-account', {
			...newApplicant(),
			domain: 'not a domain',
			country: 'XX',
			password: 'short'
		});
		expect(invalid.status).toBe(400);
		const { error } = (await invalid.json()) as { error: { fields: Record<string, string> } };
		expect(error.fields).toEqual({
			domain: 'error_field_invalid',
			country: 'error_country_invalid',
			password: 'auth_password_too_short'
		});
	});

	it('answers malformed bodies with 400 and never crashes', async () => {
		for (const body of ['{', '[]', JSON.stringify({ legalName: 42 })]) {
			const response = await post('/api/enrollment/work-account', body);
			expect(response.status).toBe(400);
		}
		expect((await get('/health')).status).toBe(200);
	});

	it('tells a customer or provider admin that only an indirect reseller global admin enrolls', async () => {
		const provider = await t.signIn('admin@northwind.example');
		const response = await get('/api/enrollment/work-account', provider);
		expect(response.status).toBe(403);
		expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
			'error_wrong_org_kind'
		);
	});
});

describe('Partner Membership Center', () => {
	it('refuses a wrong PMC password the same way as an unknown account', async () => {
		const { session } = await createOne();
		for (const credentials of [
			{ userName: 'pmc@fineartschool.example', password: 'wrong-password' },
			{ userName: 'nobody@nowhere.example', password: 'tiertwo-demo' }
		]) {
			const response = await post('/api/enrollment/pmc/sign-in', credentials, session);
			expect(response.status).toBe(401);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
				'pmc_invalid_credentials'
			);
		}
		expect(
			(await post('/api/enrollment/pmc/sign-in', { userName: 'x', password: 'y' })).status
		).toBe(401);
	});

	it('links the PMC account profiles (enrollment.mpnLinked) and refuses a profile in another country/region', async () => {
		const { body, session } = await createOne();
		const signIn = await post(
			'/api/enrollment/pmc/sign-in',
			{ userName: 'pmc@lamnahealthcare.example', password: 'tiertwo-demo' },
			session
		);
		expect(signIn.status).toBe(200);
		expect(await signIn.json()).toEqual({
			profiles: [{ mpnId: '7000201', legalName: 'Lamna Healthcare GmbH', country: 'DE' }]
		});
		expect((await orgState(body.user.orgId)).enrollment).toMatchObject({
			status: 'mpnLinked',
			pmcUserName: 'pmc@lamnahealthcare.example'
		});
		const mismatch = await post('/api/enrollment/pmc/profile', { mpnId: '7000201' }, session);
		expect(mismatch.status).toBe(409);
		expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe(
			'error_mpn_country_mismatch'
		);
		// Cancel: another PMC account; its US profile matches the US tenant.
		await post(
			'/api/enrollment/pmc/sign-in',
			{ userName: 'pmc@fineartschool.example', password: 'tiertwo-demo' },
			session
		);
		expect((await post('/api/enrollment/pmc/profile', { mpnId: '7000101' }, session)).status).toBe(
			204
		);
		expect((await post('/api/enrollment/pmc/profile', { mpnId: '7000102' }, session)).status).toBe(
			409
		);
		for (const malformed of [{ mpnId: 7000101 }, { mpnId: '70001010000' }, {}]) {
			const response = await post('/api/enrollment/pmc/profile', malformed, session);
			expect(response.status).toBe(400);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
				'auth_bad_request'
			);
		}
	});

	it('lists the registry for program operators only', async () => {
		const operator = await t.signIn('admin@program.example');
		const response = await get('/api/pmc/profiles', operator);
		const { profiles } = (await response.json()) as {
			profiles: { mpnId: string; country: string; accounts: string[] }[];
		};
		expect(profiles).toContainEqual({
			mpnId: '7000201',
			legalName: 'Lamna Healthcare GmbH',
			country: 'DE',
			accounts: ['pmc@lamnahealthcare.example']
		});
		const reseller = await t.signIn('admin@contoso.example');
		expect((await get('/api/pmc/profiles', reseller)).status).toBe(403);
		expect((await get('/api/mailbox', reseller)).status).toBe(403);
		expect((await get('/api/mailbox')).status).toBe(401);
	});
});

describe('verification and status emails', () => {
	it('emails the primary contact a verification link, verifies once, and emails every status change', async () => {
		const { body, session } = await createOne();
		const orgId = body.user.orgId;
		const by = { userId: body.user.id, orgId };
		await post(
			'/api/enrollment/pmc/sign-in',
			{ userName: 'pmc@fineartschool.example', password: 'tiertwo-demo' },
			session
		);
		await waitForAsync(async () => (await orgState(orgId)).enrollment.status === 'mpnLinked');
		const contact = `pat.${counter}@fineartschool.example`;
		await append(session, orgId, by, 'enrollment.submitted', submission(contact));
		expect((await orgState(orgId)).enrollment.status).toBe('emailVerificationPending');

		const verification = await mailTo(contact, /Verify your email/);
		const token = /\/enroll\/verify#token=([A-Za-z0-9_-]{43})/.exec(verification.text)?.[1];
		expect(token).toBeDefined();
		const verified = await post('/api/enrollment/verify-email', { token });
		expect(verified.status).toBe(200);
		expect((await orgState(orgId)).enrollment.status).toBe('underReview');
		const again = await post('/api/enrollment/verify-email', { token });
		expect(again.status).toBe(410);
		expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
			'enrollment_link_used'
		);
		await mailTo(contact, /under review/);

		const operator = await t.signIn('admin@program.example');
		const reviewer = { userId: 'program-admin', orgId: 'program' };
		await append(operator, orgId, reviewer, 'enrollment.infoRequested', {
			message: 'Please add a support phone number.'
		});
		expect((await mailTo(contact, /More information/)).text).toContain(
			'Please add a support phone number.'
		);
		// The answer is validated with the domain's schema: an untrimmed one is refused, unstored.
		await expect(
			refusedAppend(session, orgId, by, 'enrollment.submitted', {
				...submission(contact),
				answer: ' Added it. '
			})
		).resolves.toEqual({ code: 4400, reason: 'error_field_invalid' });
		expect((await orgState(orgId)).enrollment.status).toBe('infoRequested');
		await append(session, orgId, by, 'enrollment.submitted', {
			...submission(contact),
			answer: 'Added +1 503 555 0100.'
		});
		expect((await orgState(orgId)).enrollment).toMatchObject({
			status: 'underReview',
			infoRequests: [
				{ message: 'Please add a support phone number.', answer: 'Added +1 503 555 0100.' }
			]
		});
		await append(operator, orgId, reviewer, 'enrollment.approved', {});
		expect((await orgState(orgId)).enrollment.status).toBe('adminAgentCheck');
		expect((await mailTo(contact, /approved/)).text).toContain('Admin agent');
	});

	it('refuses made-up and malformed links without a change', async () => {
		for (const token of ['x', 'A'.repeat(43), 42, null]) {
			const response = await post('/api/enrollment/verify-email', { token });
			expect(response.status).toBe(404);
		}
		expect((await post('/api/enrollment/verify-email', 'nope')).status).toBe(400);
	});

	it('logs outbox mail without the link token, which only the outbox file holds', async () => {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-mailer-'));
		const lines: string[] = [];
		const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
		const mailer = new Mailer({ dataDir, smtpUrl: '', from: 'program@program.example', log });
		const token = 'A'.repeat(43);
		await mailer.send({
			to: 'pat@fineartschool.example',
			subject: 'Verify',
			text: `Open http://localhost/enroll/verify#token=${token}`
		});
		const [mail] = mailer.outbox();
		expect(mail).toMatchObject({ to: 'pat@fineartschool.example', subject: 'Verify' });
		expect(mail?.text).toContain(token);
		expect(lines.join('')).toContain('pat@fineartschool.example');
		expect(lines.join('')).not.toContain(token);
		const file = readdirSync(path.join(dataDir, 'outbox'))[0] ?? '';
		expect(readFileSync(path.join(dataDir, 'outbox', file), 'utf8')).toContain(token);
		mailer.close();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('keeps mail in DATA_DIR/outbox when no SMTP server is configured', () => {
		const files = readdirSync(path.join(t.dataDir, 'outbox'));
		expect(files.length).toBeGreaterThan(0);
		expect(files.every((name) => /^[0-9]{13}-[0-9a-f]{32}\.json$/.test(name))).toBe(true);
	});
});

describe('program operator adds an indirect provider', () => {
	const temporaryPassword = generateTemporaryPassword();
	let temporaryPasswordHash = '';
	beforeAll(async () => {
		temporaryPasswordHash = await hashTemporaryPassword(temporaryPassword);
	});
	const provider = (email: string) => ({
		legalName: 'Wide World Distribution',
		country: 'US',
		regionsServed: ['US', 'CA'],
		offers: { technicalTraining: true, marketingHelp: false, financing: true },
		contact: { email: 'partners@wideworld.example', url: 'https://wideworld.example/partners' },
		description: 'Cloud subscriptions for resellers in North America.',
		admin: { fullName: 'Wen Admin', email, temporaryPasswordHash }
	});

	it('creates the provider org, a first admin with the temporary password made on the operator’s device, and its directory entry', async () => {
		const operator = await t.signIn('admin@program.example');
		const email = `admin-${Date.now()}@wideworld.example`;
		const response = await post('/api/program/providers', provider(email), operator);
		expect(response.status).toBe(201);
		const body = (await response.json()) as { orgId: string; adminEmail: string };
		expect(body).not.toHaveProperty('temporaryPassword');
		expect((await orgState(body.orgId)).org).toMatchObject({
			kind: 'indirectProvider',
			legalName: 'Wide World Distribution'
		});
		const directory = await t.server.registry.current({ kind: 'directory' });
		expect(JSON.stringify(directory)).toContain(body.orgId);
		expect(JSON.stringify(await orgState(body.orgId))).not.toContain(temporaryPassword);
		// The first admin signs in with it and must change it.
		await waitForAsync(async () => (await t.server.accounts.store.byEmail(email)) !== undefined);
		const signIn = await post('/api/auth/sign-in', { email, password: temporaryPassword });
		expect(signIn.status).toBe(200);
		expect(
			((await signIn.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword
		).toBe(true);
	});

	it('refuses a temporary password hash a device could not have made (the server never sees the password)', async () => {
		const operator = await t.signIn('admin@program.example');
		const base = provider(`weak-${Date.now()}@wideworld.example`);
		for (const hash of [
			'plain-password',
			'pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$' + 'a'.repeat(43)
		]) {
			const response = await post(
				'/api/program/providers',
				{ ...base, admin: { ...base.admin, temporaryPasswordHash: hash } },
				operator
			);
			expect(response.status).toBe(400);
			expect(
				((await response.json()) as { error: { fields: Record<string, string> } }).error.fields
			).toMatchObject({ 'admin.temporaryPasswordHash': 'error_password_hash_invalid' });
		}
	});

	it('refuses anyone but the program operator, and names invalid fields', async () => {
		const reseller = await t.signIn('admin@contoso.example');
		const refused = await post('/api/program/providers', provider('x@wideworld.example'), reseller);
		expect(refused.status).toBe(403);
		const operator = await t.signIn('admin@program.example');
		const invalid = await post(
			'/api/program/providers',
			{ ...provider('admin@contoso.example'), regionsServed: [] },
			operator
		);
		expect(invalid.status).toBe(400);
		expect(
			((await invalid.json()) as { error: { fields: Record<string, string> } }).error.fields
		).toEqual({ regionsServed: 'error_list_empty' });
		const taken = await post('/api/program/providers', provider('admin@contoso.example'), operator);
		expect(taken.status).toBe(409);
	});
});

describe('refusals', () => {
	/** The status and the whole body, to compare with the account API's. */
	async function refusalOf(response: Response): Promise<{ status: number; body: unknown }> {
		return { status: response.status, body: await response.json() };
	}

	it('refuse in the API’s one shape, with the account API’s own answer for the same refusal', async () => {
		// Not signed in: what GET /api/auth/session answers.
		const unsigned = await refusalOf(await get('/api/enrollment/work-account'));
		expect(unsigned).toEqual({
			status: 401,
			body: { error: { code: 'auth_not_signed_in', message: 'Not signed in.' } }
		});
		expect(await refusalOf(await get('/api/auth/session'))).toEqual(unsigned);
		// A malformed body: what a malformed sign-in gets.
		const { session } = await createOne();
		expect(
			await refusalOf(await post('/api/enrollment/pmc/sign-in', { userName: 42 }, session))
		).toEqual({
			status: 400,
			body: { error: { code: 'auth_bad_request', message: 'The request is malformed.' } }
		});
		// Reviewers only: the enrollment code, with its English.
		const reseller = await t.signIn('admin@contoso.example');
		expect(await refusalOf(await get('/api/pmc/profiles', reseller))).toEqual({
			status: 403,
			body: {
				error: {
					code: 'enrollment_reviewer_only',
					message: "Only the program's enrollment reviewers can do this."
				}
			}
		});
		// A form: its field errors; a code the server has no English for is its own message.
		expect(
			await refusalOf(
				await post('/api/enrollment/work-account', { ...newApplicant(), password: 'short' })
			)
		).toEqual({
			status: 400,
			body: {
				error: {
					code: 'error_field_invalid',
					message: 'error_field_invalid',
					fields: { password: 'auth_password_too_short' }
				}
			}
		});
	});

	it('ask a first admin with a temporary password to change it, as GET /api/auth/documents does', async () => {
		const operator = await t.signIn('admin@program.example');
		const email = `first-admin-${Date.now()}@wideworld.example`;
		const temporaryPassword = generateTemporaryPassword();
		const added = await post(
			'/api/program/providers',
			{
				legalName: 'Wide World Distribution',
				country: 'US',
				regionsServed: ['US'],
				offers: { technicalTraining: true, marketingHelp: false, financing: false },
				contact: { email: 'partners@wideworld.example' },
				admin: {
					fullName: 'Wen Admin',
					email,
					temporaryPasswordHash: await hashTemporaryPassword(temporaryPassword)
				}
			},
			operator
		);
		expect(added.status).toBe(201);
		await waitForAsync(async () => (await t.server.accounts.store.byEmail(email)) !== undefined);
		const session = cookiesFrom(
			await post('/api/auth/sign-in', { email, password: temporaryPassword })
		);
		const refused = await refusalOf(await get('/api/enrollment/work-account', session));
		expect(refused).toEqual({
			status: 403,
			body: {
				error: {
					code: 'auth_password_change_required',
					message: 'Change your temporary password first.'
				}
			}
		});
		expect(await refusalOf(await get('/api/auth/documents', session))).toEqual(refused);
		expect(await refusalOf(await get('/api/mailbox', session))).toEqual(refused);
	});
});

describe('Create one is throttled', () => {
	// Last in this file: it uses up this address's allowance.
	it('refuses more work accounts from one address than its allowance, with Retry-After', async () => {
		let refused: Response | undefined;
		for (let attempt = 0; attempt < 12 && !refused; attempt += 1) {
			const response = await post('/api/enrollment/work-account', newApplicant());
			if (response.status === 429) refused = response;
			else expect(response.status).toBe(201);
		}
		expect(refused?.headers.get('retry-after')).toMatch(/^[0-9]+$/);
		expect(await refused?.json()).toEqual({
			error: {
				code: 'auth_rate_limited',
				message: 'Too many attempts. Try again later.',
				retryAfterSeconds: Number(refused?.headers.get('retry-after'))
			}
		});
	});

	it('refuses verification link attempts past the address’s budget, guesses costing more', async () => {
		let refused: Response | undefined;
		let guesses = 0;
		for (; guesses < 30 && !refused; guesses += 1) {
			const response = await post('/api/enrollment/verify-email', { token: 'B'.repeat(43) });
			if (response.status === 429) refused = response;
			else expect(response.status).toBe(404);
		}
		// Each guess costs several attempts: the budget ends within a handful of them.
		expect(guesses).toBeLessThanOrEqual(6);
		expect(refused?.headers.get('retry-after')).toMatch(/^[0-9]+$/);
		expect(await refused?.json()).toEqual({
			error: {
				code: 'enrollment_rate_limited',
				message: 'Too many verification attempts. Try again later.',
				retryAfterSeconds: Number(refused?.headers.get('retry-after'))
			}
		});
	});
});
