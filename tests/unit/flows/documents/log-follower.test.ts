import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOG_KEY } from '$lib/domain/documents';
import { createLogFollower } from '$lib/flows/documents/log-follower';
import { projectLog } from '$lib/flows/documents/projection';
import { partnershipLog, partnershipRef, providerAdmin, resellerAdmin } from '../scenarios';

function replica(clientId: number) {
	const doc = new Y.Doc();
	doc.clientID = clientId;
	const log = doc.getArray<unknown>(LOG_KEY);
	const follower = createLogFollower(partnershipRef);
	log.observe((event) => follower.apply(event.changes.delta as never, () => log.toArray()));
	return { doc, log, follower };
}

describe('log follower', () => {
	it('applies appends at the end incrementally, without rebuilding', () => {
		const { log, follower } = replica(1);
		const { log: events, push } = partnershipLog();
		push('partnership.authorized', resellerAdmin, { acknowledged: true });
		for (const event of events) log.push([event]);
		expect(follower.rebuilds).toBe(0);
		expect(follower.state.length).toBe(2);
		expect(JSON.stringify(follower.state)).toBe(
			JSON.stringify(projectLog(partnershipRef, log.toArray()))
		);
	});

	it('rebuilds when a concurrent remote event lands before events already projected, matching the other replica', () => {
		const provider = replica(1);
		const reseller = replica(2);
		const { log: base, event } = partnershipLog();
		provider.log.push(base);
		Y.applyUpdate(reseller.doc, Y.encodeStateAsUpdate(provider.doc));
		// Offline on both sides: the provider revokes while the reseller authorizes.
		provider.log.push([event('partnership.revoked', providerAdmin, {})]);
		reseller.log.push([event('partnership.authorized', resellerAdmin, { acknowledged: true })]);
		Y.applyUpdate(reseller.doc, Y.encodeStateAsUpdate(provider.doc));
		Y.applyUpdate(provider.doc, Y.encodeStateAsUpdate(reseller.doc));
		expect(provider.follower.rebuilds + reseller.follower.rebuilds).toBeGreaterThan(0);
		expect(JSON.stringify(provider.follower.state)).toBe(JSON.stringify(reseller.follower.state));
		const state = provider.follower.state;
		if (state.kind !== 'partnership') throw new Error('partnership');
		expect(state.superseded).toHaveLength(1);
		expect(['revoked', 'authorized']).toContain(state.partnership.status);
	});

	it('rebuilds on any delete (logs are append-only, so this is recovery, not a feature)', () => {
		const { log, follower } = replica(3);
		log.push(partnershipLog().log);
		log.delete(0, 1);
		expect(follower.rebuilds).toBe(1);
		expect(follower.state.length).toBe(0);
	});
});
