// The app's reading of its own program standing (from the device's read models) is the server's
// (from the org document's projection), for every stage of an application; unknown before the
// org's profile has synced.
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { ownStanding } from '$lib/db/partner-standing';
import { enrollmentRows } from '$lib/db/read-models/enrollment';
import { orgRows } from '$lib/db/read-models/orgs';
import { partnerStanding } from '$lib/flows/enrollment/partner-standing';
import { SAMPLE_PAYLOADS } from '../flows/samples';
import { orgLog, project, RESELLER, resellerAdmin, reviewer } from '../flows/scenarios';
import { SYSTEM } from '../factories';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`standing-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

const ref = { kind: 'org', orgId: RESELLER } as const;
const doc = `org/${RESELLER}`;

/** The reseller's org document after each step of a new application, then approved or rejected. */
function stages(decision: 'enrollment.approved' | 'enrollment.rejected') {
	const builder = orgLog(RESELLER, 'indirectReseller', 'rio');
	const steps = [
		() => builder.push('enrollment.mpnLinked', SYSTEM, SAMPLE_PAYLOADS['enrollment.mpnLinked']),
		() =>
			builder.push('enrollment.submitted', resellerAdmin, SAMPLE_PAYLOADS['enrollment.submitted']),
		() => builder.push('enrollment.emailVerified', SYSTEM, {}),
		() =>
			builder.push(
				decision,
				reviewer,
				decision === 'enrollment.rejected' ? SAMPLE_PAYLOADS['enrollment.rejected'] : {}
			)
	];
	const states = [project(ref, builder.log)];
	for (const step of steps) {
		step();
		states.push(project(ref, builder.log));
	}
	return states;
}

describe('ownStanding', () => {
	it('is unknown until the org’s profile is on the device', async () => {
		expect(await ownStanding(db, RESELLER)).toBeNull();
	});

	it('agrees with the server’s rule at every stage of an application', async () => {
		const seen: string[] = [];
		for (const decision of ['enrollment.approved', 'enrollment.rejected'] as const) {
			for (const state of stages(decision)) {
				if (state.kind !== 'org') throw new Error('org');
				await db.orgs.clear();
				await db.enrollment.clear();
				await db.orgs.bulkPut(orgRows(state, doc));
				await db.enrollment.bulkPut(enrollmentRows(state, doc));
				const standing = await ownStanding(db, RESELLER);
				expect(standing).toBe(partnerStanding(state));
				seen.push(`${state.enrollment.status}:${standing}`);
			}
		}
		expect(seen).toContain('emailVerificationPending:pending');
		expect(seen).toContain('adminAgentCheck:admitted');
		expect(seen).toContain('rejected:rejected');
	});
});
