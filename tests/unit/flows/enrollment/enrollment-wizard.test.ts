import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor, type SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
	enrollmentWizardMachine,
	persistableWizardSnapshot,
	wizardProgress,
	type EnrollmentSubmission,
	type EnrollmentWizardContext,
	type EnrollmentWizardEvent,
	type WorkAccount
} from '$lib/flows/enrollment/enrollment-wizard.machine';
import type { PartnerNetworkProfile } from '$lib/domain/rules';
import { parseEvent } from '$lib/domain/events';
import { guardsUsed } from '../machine-paths';

const tenantJp: WorkAccount = {
	orgId: 'contoso',
	domain: 'contoso.example.com',
	tenantCountry: 'JP',
	alreadyEnrolledInCsp: false
};
const profiles = [
	{ mpnId: '1234567', legalName: 'Contoso KK', country: 'JP' },
	{ mpnId: '7654321', legalName: 'Contoso Inc', country: 'US' }
];
const details = {
	legalProfile: {
		legalName: 'Contoso KK',
		address: {
			line1: '1-2-3 Marunouchi',
			city: 'Chiyoda-ku',
			postalCode: '100-0005',
			country: 'JP'
		}
	},
	primaryContact: { name: 'Aiko Sato', email: 'aiko@contoso.co.jp', phone: '' },
	support: { email: 'support@contoso.co.jp', url: 'https://contoso.co.jp/support' }
};

function wizard(
	options: {
		account?: WorkAccount;
		failSignIn?: string;
		pmcProfiles?: readonly PartnerNetworkProfile[];
	} = {}
) {
	const submitted: EnrollmentSubmission[] = [];
	const pmcCalls: { userName: string; password: string }[] = [];
	let releasePmc: () => void = () => {};
	const machine = enrollmentWizardMachine.provide({
		actors: {
			signInWorkAccount: fromPromise(async () => {
				if (options.failSignIn) throw { code: options.failSignIn };
				return options.account ?? tenantJp;
			}),
			createWorkAccount: fromPromise(async ({ input }) => ({
				orgId: 'new-org',
				domain: input.domain,
				tenantCountry: input.country,
				alreadyEnrolledInCsp: false
			})),
			signInPartnerMembershipCenter: fromPromise(async ({ input }) => {
				pmcCalls.push(input);
				await new Promise<void>((resolve) => (releasePmc = resolve));
				return options.pmcProfiles ?? profiles;
			}),
			submitEnrollment: fromPromise(async ({ input }) => {
				submitted.push(input);
			})
		}
	});
	const actor = createActor(machine).start();
	return { machine, actor, submitted, pmcCalls, releasePmc: () => releasePmc() };
}

type Actor = ReturnType<typeof wizard>['actor'];
const at = (actor: Actor, state: string) =>
	waitFor(actor, (s) => s.value === state, { timeout: 1000 });

async function toProfileChoice(w: ReturnType<typeof wizard>) {
	w.actor.send({ type: 'wizard.next' });
	w.actor.send({
		type: 'workAccount.signIn',
		credentials: { email: 'admin@contoso.example.com', password: 'secret-1' }
	});
	await at(w.actor, 'linkExplanation');
	w.actor.send({ type: 'pmc.signIn' });
	w.actor.send({ type: 'pmc.userName', userName: 'pmc-admin@contoso.co.jp' });
	w.actor.send({ type: 'pmc.password', password: 'pmc-secret' });
	await Promise.resolve();
	w.releasePmc();
	await at(w.actor, 'profileChoice');
}

describe('enrollment wizard', () => {
	it('follows the documentation’s steps to Enroll now and submits a valid application', async () => {
		const w = wizard();
		await toProfileChoice(w);
		expect(w.pmcCalls).toEqual([{ userName: 'pmc-admin@contoso.co.jp', password: 'pmc-secret' }]);
		w.actor.send({ type: 'profile.choose', mpnId: '1234567' });
		w.actor.send({ type: 'wizard.continue' });
		expect(w.actor.getSnapshot().value).toBe('details');
		w.actor.send({ type: 'details.change', ...details });
		w.actor.send({ type: 'wizard.enrollNow' });
		await at(w.actor, 'submitted');
		expect(w.submitted).toHaveLength(1);
		const event = {
			id: 'e-1',
			type: 'enrollment.submitted',
			at: '001750000000000-00000-dev',
			by: { userId: 'rio', orgId: 'contoso' },
			payload: w.submitted[0]
		};
		expect(parseEvent(event)).toMatchObject({ ok: true });
		expect(w.submitted[0]).toMatchObject({ track: 'new', mpnId: '1234567' });
	});

	it('refuses a profile in another country/region than the tenant, and Cancel returns to the PMC sign-in', async () => {
		const w = wizard();
		await toProfileChoice(w);
		w.actor.send({ type: 'wizard.continue' });
		expect(w.actor.getSnapshot().context.error).toBe('error_field_required');
		w.actor.send({ type: 'profile.choose', mpnId: '7654321' });
		w.actor.send({ type: 'wizard.continue' });
		expect(w.actor.getSnapshot()).toMatchObject({
			value: 'profileChoice',
			context: { error: 'error_mpn_country_mismatch' }
		});
		w.actor.send({ type: 'wizard.cancel' });
		expect(w.actor.getSnapshot()).toMatchObject({
			value: 'pmcUserName',
			context: { profiles: [], chosenMpnId: null }
		});
	});

	it('refuses Enroll now with missing fields or a webmail primary contact, naming each field', async () => {
		const w = wizard();
		await toProfileChoice(w);
		w.actor.send({ type: 'profile.choose', mpnId: '1234567' });
		w.actor.send({ type: 'wizard.continue' });
		w.actor.send({ type: 'wizard.enrollNow' });
		let snapshot = w.actor.getSnapshot();
		expect(snapshot.value).toBe('details');
		expect(snapshot.context.error).toBe('error_enrollment_details_missing');
		expect(snapshot.context.fieldErrors).toMatchObject({
			'legalProfile.legalName': 'error_field_required',
			// blank is missing, not a malformed address
			'primaryContact.email': 'error_field_required',
			'support.email': 'error_field_required'
		});
		w.actor.send({
			type: 'details.change',
			...details,
			primaryContact: { name: 'Aiko', email: 'aiko@gmail.com' }
		});
		w.actor.send({ type: 'wizard.enrollNow' });
		snapshot = w.actor.getSnapshot();
		expect(snapshot.context.fieldErrors).toEqual({
			'primaryContact.email': 'error_primary_contact_webmail'
		});
		w.actor.send({ type: 'details.change', primaryContact: { email: 'aiko@contoso.co.jp' } });
		w.actor.send({ type: 'wizard.enrollNow' });
		await at(w.actor, 'submitted');
	});

	it('asks a reseller already enrolled in CSP only for customer support information', async () => {
		const w = wizard({ account: { ...tenantJp, alreadyEnrolledInCsp: true } });
		w.actor.send({ type: 'wizard.next' });
		w.actor.send({
			type: 'workAccount.signIn',
			credentials: { email: 'a@contoso.example.com', password: 'p' }
		});
		await at(w.actor, 'supportDetails');
		w.actor.send({ type: 'details.change', support: details.support });
		w.actor.send({ type: 'wizard.enrollNow' });
		await at(w.actor, 'submitted');
		expect(w.submitted).toEqual([{ track: 'alreadyEnrolled', support: details.support }]);
	});

	it('creates a work account with its tenant country and continues signed in', async () => {
		const w = wizard();
		w.actor.send({ type: 'wizard.next' });
		w.actor.send({
			type: 'workAccount.createOne',
			account: {
				legalName: 'New Co',
				domain: 'newco.example.com',
				country: 'KR',
				fullName: 'Min',
				email: 'min@newco.example.com',
				password: 'pw'
			}
		});
		await at(w.actor, 'linkExplanation');
		expect(w.actor.getSnapshot().context.workAccount).toMatchObject({ tenantCountry: 'KR' });
	});

	it('stays on the sign-in page with the server’s reason when sign-in fails', async () => {
		const w = wizard({ failSignIn: 'auth_invalid_credentials' });
		w.actor.send({ type: 'wizard.next' });
		w.actor.send({
			type: 'workAccount.signIn',
			credentials: { email: 'a@b.example', password: 'wrong' }
		});
		await waitFor(w.actor, (s) => s.context.error !== null);
		expect(w.actor.getSnapshot()).toMatchObject({
			value: 'workAccount',
			context: { error: 'auth_invalid_credentials' }
		});
	});

	it('survives a JSON round trip of its persisted snapshot at every page, never keeping a password', async () => {
		const w = wizard();
		const saved: string[] = [];
		w.actor.subscribe(() =>
			saved.push(JSON.stringify(persistableWizardSnapshot(w.actor.getPersistedSnapshot() as never)))
		);
		await toProfileChoice(w);
		w.actor.send({ type: 'profile.choose', mpnId: '1234567' });
		w.actor.send({ type: 'wizard.continue' });
		w.actor.send({ type: 'details.change', ...details });
		for (const json of saved) {
			expect(json).not.toContain('secret');
			const restored = createActor(w.machine, {
				snapshot: JSON.parse(json) as SnapshotFrom<typeof w.machine>
			}).start();
			const original = JSON.parse(json) as { value: string; context: unknown };
			expect(restored.getSnapshot().value).toBe(original.value);
			expect(restored.getSnapshot().context).toEqual(original.context);
			restored.stop();
		}
		const last = JSON.parse(saved[saved.length - 1] as string) as { value: string };
		expect(last.value).toBe('details');
		expect(
			saved.some((json) => (JSON.parse(json) as { value: string }).value === 'pmcPassword')
		).toBe(true);
	});

	it('resumes a page that waited on the server at the page before it', () => {
		const snapshot = {
			value: 'signingInPmc',
			children: { signInPartnerMembershipCenter: { input: { password: 'x' } } },
			context: { workAccount: tenantJp, error: 'e' }
		};
		const persisted = persistableWizardSnapshot(snapshot as never) as unknown as typeof snapshot;
		expect(persisted).toMatchObject({
			value: 'pmcPassword',
			children: {},
			context: { error: null }
		});
		const shortcut = persistableWizardSnapshot({
			...snapshot,
			value: 'submitting',
			context: { ...snapshot.context, workAccount: { ...tenantJp, alreadyEnrolledInCsp: true } }
		} as never) as unknown as typeof snapshot;
		expect(shortcut.value).toBe('supportDetails');
	});

	it('reaches every page along generated paths and exercises every guard', () => {
		const done = (id: string, output: unknown) =>
			({ type: `xstate.done.actor.${id}`, output }) as unknown as EnrollmentWizardEvent;
		const events: EnrollmentWizardEvent[] = [
			{ type: 'wizard.next' },
			{ type: 'wizard.back' },
			{ type: 'workAccount.signIn', credentials: { email: 'a@b.example', password: 'p' } },
			{
				type: 'workAccount.createOne',
				account: {
					legalName: 'N',
					domain: 'n.example.com',
					country: 'JP',
					fullName: 'F',
					email: 'f@n.example',
					password: 'p'
				}
			},
			done('signInWorkAccount', tenantJp),
			done('signInWorkAccount', { ...tenantJp, alreadyEnrolledInCsp: true }),
			done('createWorkAccount', tenantJp),
			{ type: 'pmc.signIn' },
			{ type: 'pmc.userName', userName: '' },
			{ type: 'pmc.userName', userName: 'pmc-admin' },
			{ type: 'pmc.password', password: 'p' },
			done('signInPartnerMembershipCenter', profiles),
			{ type: 'profile.choose', mpnId: '1234567' },
			{ type: 'profile.choose', mpnId: '7654321' },
			{ type: 'wizard.continue' },
			{ type: 'wizard.cancel' },
			{ type: 'details.change', ...details },
			{ type: 'wizard.enrollNow' },
			done('submitEnrollment', undefined)
		];
		const outcomes = new Map<string, Set<boolean>>();
		const guards = enrollmentWizardMachine.implementations.guards as Record<
			string,
			(a: unknown, p: unknown) => boolean
		>;
		const recorded = enrollmentWizardMachine.provide({
			guards: Object.fromEntries(
				Object.entries(guards).map(([name, guard]) => [
					name,
					(args: unknown, params: unknown) => {
						const result = guard(args, params);
						outcomes.set(name, (outcomes.get(name) ?? new Set()).add(result));
						return result;
					}
				])
			) as never
		});
		// createTestModel refuses machines that invoke; the path generators themselves do not.
		getAdjacencyMap(recorded, { events, limit: 5000 });
		const reached = new Set(
			getShortestPaths(recorded, { events, limit: 5000 }).map((path) => String(path.state.value))
		);
		const transient = ['signedIn'];
		expect([...reached].sort()).toEqual(
			Object.keys(enrollmentWizardMachine.root.states)
				.filter((s) => !transient.includes(s))
				.sort()
		);
		for (const name of guardsUsed(enrollmentWizardMachine)) {
			expect([...(outcomes.get(name) ?? [])].sort(), name).toEqual([false, true]);
		}
	});
});

describe('enrollment wizard: one profile, answers and the step counter (issue 21)', () => {
	it('preselects the only organization profile offered, so Continue goes on at once', async () => {
		const w = wizard({ pmcProfiles: [profiles[0]!] });
		await toProfileChoice(w);
		expect(w.actor.getSnapshot().context.chosenMpnId).toBe('1234567');
		w.actor.send({ type: 'wizard.continue' });
		expect(w.actor.getSnapshot().value).toBe('details');
	});

	it('preselects the only profile even in another country/region, and Continue names the refusal', async () => {
		const w = wizard({ pmcProfiles: [profiles[1]!] });
		await toProfileChoice(w);
		expect(w.actor.getSnapshot().context.chosenMpnId).toBe('7654321');
		w.actor.send({ type: 'wizard.continue' });
		expect(w.actor.getSnapshot()).toMatchObject({
			value: 'profileChoice',
			context: { error: 'error_mpn_country_mismatch' }
		});
	});

	it('preselects nothing among several profiles', async () => {
		const w = wizard();
		await toProfileChoice(w);
		expect(w.actor.getSnapshot().context.chosenMpnId).toBeNull();
	});

	function resubmitting(track: 'new' | 'alreadyEnrolled') {
		const submitted: EnrollmentSubmission[] = [];
		const machine = enrollmentWizardMachine.provide({
			actors: {
				submitEnrollment: fromPromise(async ({ input }) => {
					submitted.push(input);
				})
			}
		});
		const context: EnrollmentWizardContext = {
			workAccount: { ...tenantJp, alreadyEnrolledInCsp: track === 'alreadyEnrolled' },
			pmcUserName: 'pmc-admin@contoso.co.jp',
			profiles,
			chosenMpnId: '1234567',
			legalProfile: details.legalProfile,
			primaryContact: { name: 'Aiko Sato', email: 'aiko@contoso.co.jp' },
			support: details.support,
			error: null,
			fieldErrors: {},
			resubmission: { request: 'Add a support phone number.', answer: '' }
		};
		const state = machine.resolveState({
			value: track === 'new' ? 'details' : 'supportDetails',
			context
		});
		const actor = createActor(machine, { snapshot: state }).start();
		return { actor, submitted };
	}

	it.each(['new', 'alreadyEnrolled'] as const)(
		'requires an answer to the request before resubmitting (%s track), then sends it trimmed',
		async (track) => {
			const { actor, submitted } = resubmitting(track);
			actor.send({ type: 'wizard.enrollNow' });
			expect(actor.getSnapshot().context.fieldErrors).toEqual({ answer: 'error_field_required' });
			actor.send({ type: 'details.change', answer: '  Added +81 3 1234 5678.\n' });
			actor.send({ type: 'wizard.enrollNow' });
			await waitFor(actor, (s) => s.value === 'submitted', { timeout: 1000 });
			expect(submitted).toHaveLength(1);
			expect(submitted[0]).toMatchObject({ track, answer: 'Added +81 3 1234 5678.' });
		}
	);

	it('keeps the request and the answer typed in a JSON round trip of the saved draft', () => {
		const { actor } = resubmitting('new');
		actor.send({ type: 'details.change', answer: 'Half an answer' });
		const saved = JSON.parse(
			JSON.stringify(persistableWizardSnapshot(actor.getPersistedSnapshot() as never))
		) as { context: EnrollmentWizardContext };
		expect(saved.context.resubmission).toEqual({
			request: 'Add a support phone number.',
			answer: 'Half an answer'
		});
		const restored = createActor(enrollmentWizardMachine, { snapshot: saved as never }).start();
		expect(restored.getSnapshot().context.resubmission?.answer).toBe('Half an answer');
	});

	it('ignores an answer where nothing was asked', async () => {
		const w = wizard();
		await toProfileChoice(w);
		w.actor.send({ type: 'profile.choose', mpnId: '1234567' });
		w.actor.send({ type: 'wizard.continue' });
		w.actor.send({ type: 'details.change', ...details, answer: 'Unasked' });
		w.actor.send({ type: 'wizard.enrollNow' });
		await at(w.actor, 'submitted');
		expect(w.submitted[0]).not.toHaveProperty('answer');
	});

	it('counts both tracks until the work account says which one applies, then its own', async () => {
		const w = wizard({ account: { ...tenantJp, alreadyEnrolledInCsp: true } });
		const progress = () => {
			const snapshot = w.actor.getSnapshot();
			return wizardProgress(snapshot.value, snapshot.context);
		};
		expect(progress()).toEqual({ step: 1, total: 7, shortcutTotal: 3 });
		w.actor.send({ type: 'wizard.next' });
		expect(progress()).toEqual({ step: 2, total: 7, shortcutTotal: 3 });
		w.actor.send({
			type: 'workAccount.signIn',
			credentials: { email: 'a@contoso.example.com', password: 'p' }
		});
		expect(progress()).toEqual({ step: 2, total: 7, shortcutTotal: 3 });
		await at(w.actor, 'supportDetails');
		expect(progress()).toEqual({ step: 3, total: 3, shortcutTotal: null });
		w.actor.send({ type: 'details.change', support: details.support });
		w.actor.send({ type: 'wizard.enrollNow' });
		expect(wizardProgress('submitting', w.actor.getSnapshot().context)).toEqual({
			step: 3,
			total: 3,
			shortcutTotal: null
		});
	});

	it('counts a new reseller’s pages from 3 of 7 once signed in', async () => {
		const w = wizard();
		await toProfileChoice(w);
		const { value, context } = w.actor.getSnapshot();
		expect(wizardProgress(value, context)).toEqual({ step: 6, total: 7, shortcutTotal: null });
		expect(wizardProgress('linkExplanation', context)).toMatchObject({ step: 3, total: 7 });
		expect(wizardProgress('submitted', context)).toBeNull();
	});
});
