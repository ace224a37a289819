// The enrollment wizard as the pages use it: the wizard machine with the server calls provided,
// its context saved in Dexie at every step (never a password) and restored after a reload.
import { createActor, fromPromise, type Actor, type SnapshotFrom } from 'xstate';
import { db } from '$lib/db/db';
import { deleteDraft, loadDraft, saveDraft } from '$lib/db/drafts';
import type { EnrollmentRow } from '$lib/db/read-models/enrollment';
import type { OrgRow } from '$lib/db/read-models/orgs';
import { documentName } from '$lib/domain/documents';
import {
	enrollmentWizardMachine,
	persistableWizardSnapshot,
	type EnrollmentSubmission,
	type EnrollmentWizardContext,
	type EnrollmentWizardEvent,
	type NewWorkAccount,
	type PmcCredentials,
	type WorkAccount,
	type WorkAccountCredentials
} from '$lib/flows/enrollment/enrollment-wizard.machine';
import type { PartnerNetworkProfile } from '$lib/domain/rules';
import {
	EnrollmentCallError,
	createWorkAccount,
	signInPartnerMembershipCenter,
	signInWorkAccount
} from './enrollment-api';
import { session } from './session.svelte';
import { syncClient } from './sync-client.svelte';

export const WIZARD_DRAFT_KEY = 'enrollment-wizard';
const MACHINE_ID = 'enrollmentWizard';
/** how long Enroll now waits for the org document to be on this device */
const DOCUMENT_WAIT_MS = 15_000;

type WizardMachine = typeof enrollmentWizardMachine;
export type WizardSnapshot = SnapshotFrom<WizardMachine>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class EnrollmentWizard {
	#actor: Actor<WizardMachine> | null = null;
	#snapshot = $state.raw<WizardSnapshot | null>(null);
	/** field errors the server sent with its last refusal (Create one) */
	#serverFields = $state<Record<string, string>>({});
	#saving: Promise<void> = Promise.resolve();
	#loading: Promise<void> | undefined;

	get step(): string {
		const value = this.#snapshot?.value;
		return typeof value === 'string' ? value : 'welcome';
	}

	get context(): EnrollmentWizardContext | null {
		return this.#snapshot?.context ?? null;
	}

	get serverFields(): Record<string, string> {
		return this.#serverFields;
	}

	get started(): boolean {
		return this.#snapshot !== null;
	}

	/** Restores the saved draft (or starts afresh); idempotent. */
	load(): Promise<void> {
		if (this.#actor) return Promise.resolve();
		this.#loading ??= this.#load();
		return this.#loading;
	}

	async #load(): Promise<void> {
		// Outside the signed-in shell nobody else restores the session (the wizard needs it).
		await session.restore();
		if (session.status === 'signed-in') syncClient.ensureStarted();
		const saved = (await loadDraft(db, WIZARD_DRAFT_KEY, MACHINE_ID)) as
			ReturnType<Actor<WizardMachine>['getPersistedSnapshot']> | undefined;
		this.#start(saved);
	}

	/** Whether a draft is saved on this device (the Before you begin page offers to continue it). */
	async hasDraft(): Promise<boolean> {
		return (await loadDraft(db, WIZARD_DRAFT_KEY, MACHINE_ID)) !== undefined;
	}

	#start(saved: unknown): void {
		this.#actor?.stop();
		const machine = enrollmentWizardMachine.provide({
			actors: {
				signInWorkAccount: fromPromise<WorkAccount, WorkAccountCredentials>(({ input }) =>
					this.#signedIn(() => signInWorkAccount(input))
				),
				createWorkAccount: fromPromise<WorkAccount, NewWorkAccount>(({ input }) =>
					this.#signedIn(() => createWorkAccount(input))
				),
				signInPartnerMembershipCenter: fromPromise<
					readonly PartnerNetworkProfile[],
					PmcCredentials
				>(({ input }) => signInPartnerMembershipCenter(input)),
				submitEnrollment: fromPromise<void, EnrollmentSubmission>(({ input }) =>
					this.#submit(input)
				)
			}
		});
		let actor: Actor<WizardMachine>;
		try {
			actor = saved ? createActor(machine, { snapshot: saved as never }) : createActor(machine);
		} catch {
			actor = createActor(machine);
		}
		this.#actor = actor;
		actor.subscribe((snapshot) => {
			this.#snapshot = snapshot;
			this.#persist(snapshot);
		});
		actor.start();
		this.#snapshot = actor.getSnapshot();
	}

	send(event: EnrollmentWizardEvent): void {
		if (event.type === 'workAccount.createOne' || event.type === 'workAccount.signIn') {
			this.#serverFields = {};
		}
		this.#actor?.send(event);
	}

	/**
	 * More information requested: opens the wizard at the details page with the application as it
	 * was submitted and the program's request, to answer it, change what it asks and resubmit.
	 */
	async resubmit(application: EnrollmentRow, org: OrgRow): Promise<void> {
		const shortcut = application.track === 'alreadyEnrolled';
		const state = enrollmentWizardMachine.resolveState({
			value: shortcut ? 'supportDetails' : 'details',
			context: {
				workAccount: {
					orgId: org.orgId,
					domain: org.tenant?.domain ?? '',
					tenantCountry: org.tenant?.country ?? org.country,
					alreadyEnrolledInCsp: shortcut
				},
				pmcUserName: application.pmcUserName ?? '',
				profiles: application.linkedProfiles.map((profile) => ({ ...profile })),
				chosenMpnId: application.mpnId,
				legalProfile: application.legalProfile,
				primaryContact: application.primaryContact,
				support: application.support,
				error: null,
				fieldErrors: {},
				resubmission:
					application.infoRequest === null ? null : { request: application.infoRequest, answer: '' }
			}
		});
		this.#start(state);
		await this.#saving;
	}

	/** Starts over (a new application on this device). */
	async restart(): Promise<void> {
		await deleteDraft(db, WIZARD_DRAFT_KEY);
		this.#start(undefined);
	}

	#persist(snapshot: WizardSnapshot): void {
		const actor = this.#actor;
		if (!actor) return;
		const done = snapshot.status === 'done';
		const persisted = done
			? null
			: persistableWizardSnapshot(actor.getPersistedSnapshot() as never);
		this.#saving = this.#saving
			.catch(() => undefined)
			.then(async () => {
				if (done) await deleteDraft(db, WIZARD_DRAFT_KEY);
				else await saveDraft(db, WIZARD_DRAFT_KEY, MACHINE_ID, persisted);
			});
	}

	/** After a sign-in the device's data becomes this user's (which clears drafts): save again. */
	async #signedIn(task: () => Promise<WorkAccount>): Promise<WorkAccount> {
		try {
			const account = await task();
			syncClient.ensureStarted();
			setTimeout(() => {
				if (this.#snapshot) this.#persist(this.#snapshot);
			}, 1500);
			return account;
		} catch (error) {
			if (error instanceof EnrollmentCallError) this.#serverFields = error.fields;
			throw error;
		}
	}

	/** Enroll now: an event in the org document; offline it waits in the outbox and syncs later. */
	async #submit(submission: EnrollmentSubmission): Promise<void> {
		const orgId = this.#snapshot?.context.workAccount?.orgId;
		if (!orgId) throw new EnrollmentCallError('error_org_missing');
		await session.restore();
		syncClient.ensureStarted();
		const name = documentName({ kind: 'org', orgId });
		const deadline = Date.now() + DOCUMENT_WAIT_MS;
		const ready = () => {
			const replica = syncClient.engine?.replica(name);
			if (!replica || !syncClient.engine?.actor() || replica.state.kind !== 'org') return false;
			// The MPN ID link is written by the server: apply the application after it.
			return submission.track !== 'new' || replica.state.enrollment.status !== 'notStarted';
		};
		while (!ready()) {
			if (Date.now() > deadline) throw new EnrollmentCallError('data_document_unavailable');
			await sleep(250);
		}
		const result = await syncClient.append(name, 'enrollment.submitted', submission, {
			key: 'enroll_summary_submitted',
			params: {}
		});
		if (!result.ok) throw new EnrollmentCallError(result.code);
	}
}

export const enrollmentWizard = new EnrollmentWizard();
