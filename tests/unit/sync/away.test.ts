import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOG_KEY } from '$lib/domain/documents';
import { changesSince, mergeSummary, stateVectorOf } from '$lib/sync/away';

const entry = (id: string, type: string, userId: string, orgId: string) => ({
	id,
	type,
	by: { userId, orgId }
});

describe('since you were last online', () => {
	it('counts the log entries the baseline lacks, written by others, per type and org', () => {
		const doc = new Y.Doc();
		const log = doc.getArray(LOG_KEY);
		log.push([entry('1', 'tenantUser.added', 'me', 'contoso')]);
		const baseline = stateVectorOf(doc);
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		other
			.getArray(LOG_KEY)
			.push([
				entry('2', 'tenantUser.added', 'carol', 'wingtip'),
				entry('3', 'tenantUser.added', 'carol', 'wingtip'),
				entry('4', 'license.assigned', 'paul', 'northwind')
			]);
		log.push([entry('5', 'tenantUser.added', 'me', 'contoso')]);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
		expect(changesSince(doc, 'customer/wingtip', baseline, 'me')).toEqual([
			{ doc: 'customer/wingtip', type: 'tenantUser.added', byOrgId: 'wingtip', count: 2 },
			{ doc: 'customer/wingtip', type: 'license.assigned', byOrgId: 'northwind', count: 1 }
		]);
		expect(changesSince(doc, 'customer/wingtip', stateVectorOf(doc), 'me')).toEqual([]);
	});

	it('adds to the summary not yet dismissed, spanning from its first absence', () => {
		const item = { doc: 'org/contoso', type: 'user.added', byOrgId: 'contoso', count: 1 };
		const first = mergeSummary(undefined, 100, 200, [item]);
		const second = mergeSummary(first, 300, 400, [item, { ...item, type: 'user.removed' }]);
		expect(second).toEqual({
			since: 100,
			until: 400,
			items: [
				{ ...item, count: 2 },
				{ ...item, type: 'user.removed', count: 1 }
			]
		});
	});
});
