// The SyncQueue: at most `limit` documents connect at once; the one the person asked for goes next,
// then the user's org, its partnerships, then customers, first come first served.
import { describe, expect, it } from 'vitest';
import { documentRank, SyncQueue } from '$lib/sync/sync-queue';

function recorder(limit: number) {
	const queue = new SyncQueue({ limit, rank: documentRank });
	const started: string[] = [];
	const request = (...names: string[]) => {
		for (const name of names) queue.request(name, () => started.push(name));
	};
	return { queue, started, request };
}

describe('SyncQueue', () => {
	it('starts at most `limit` at once and the next one as each is done', () => {
		const { queue, started, request } = recorder(2);
		request('customer/a', 'customer/b', 'customer/c', 'customer/d');
		expect(started).toEqual(['customer/a', 'customer/b']);
		expect(queue.active).toBe(2);
		expect(queue.waiting).toBe(2);
		queue.done('customer/b');
		expect(started).toEqual(['customer/a', 'customer/b', 'customer/c']);
		queue.done('customer/unknown');
		expect(started).toHaveLength(3);
		queue.done('customer/a');
		queue.done('customer/c');
		expect(started).toEqual(['customer/a', 'customer/b', 'customer/c', 'customer/d']);
		expect(queue.waiting).toBe(0);
	});

	it('orders the org, then partnerships and its links, then customers, each first come first served', () => {
		const { queue, started, request } = recorder(1);
		request('customer/busy');
		request('customer/x', 'partnership/p1', 'customer/y', 'org/mine', 'invitations/mine');
		request('partnership/p2');
		for (let i = 0; i < 7; i += 1) queue.done(started.at(-1) as string);
		expect(started).toEqual([
			'customer/busy',
			'org/mine',
			'partnership/p1',
			'invitations/mine',
			'partnership/p2',
			'customer/x',
			'customer/y'
		]);
	});

	it('puts what the person asked for first, the latest ask first', () => {
		const { queue, started, request } = recorder(1);
		request('customer/busy', 'org/mine', 'customer/a', 'customer/b', 'customer/c');
		queue.want('customer/b');
		queue.want('customer/c');
		for (let i = 0; i < 5; i += 1) queue.done(started.at(-1) as string);
		expect(started).toEqual([
			'customer/busy',
			'customer/c',
			'customer/b',
			'org/mine',
			'customer/a'
		]);
	});

	it('remembers an ask for a document not requested yet (a page opened before the list came)', () => {
		const { queue, started, request } = recorder(1);
		queue.want('customer/later');
		request('customer/busy', 'org/mine', 'customer/a', 'customer/later');
		queue.done('customer/busy');
		expect(started).toEqual(['customer/busy', 'customer/later']);
	});

	it('runs a new request of a connecting document at once, and only the latest of a waiting one', () => {
		const queue = new SyncQueue({ limit: 1, rank: documentRank });
		const runs: string[] = [];
		queue.request('customer/a', () => runs.push('a1'));
		queue.request('customer/a', () => runs.push('a2'));
		queue.request('customer/b', () => runs.push('b1'));
		queue.request('customer/b', () => runs.push('b2'));
		expect(runs).toEqual(['a1', 'a2']);
		queue.done('customer/a');
		expect(runs).toEqual(['a1', 'a2', 'b2']);
		expect(queue.waiting).toBe(0);
	});

	it('forgets a cancelled document, waiting or connecting, and gives its slot away', () => {
		const { queue, started, request } = recorder(1);
		request('customer/a', 'customer/b', 'customer/c');
		queue.cancel('customer/b');
		queue.cancel('customer/a');
		expect(started).toEqual(['customer/a', 'customer/c']);
		queue.done('customer/c');
		expect(queue.active).toBe(0);
		expect(queue.waiting).toBe(0);
	});

	it('starts 20,000 queued documents in order without slowing down', () => {
		const { queue, started, request } = recorder(24);
		const names = Array.from({ length: 20_000 }, (_, index) => `customer/c${index}`);
		request(...names);
		const began = performance.now();
		while (started.length < names.length) queue.done(started[started.length - 24] as string);
		for (const name of started.slice(-24)) queue.done(name);
		expect(started).toEqual(names);
		expect(queue.active).toBe(0);
		expect(performance.now() - began).toBeLessThan(2_000);
	});
});
