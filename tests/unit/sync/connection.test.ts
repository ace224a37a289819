// The connection indicator's heartbeat: a network change during a check in flight is checked again
// (the answer of a check that started before the change must not stand for a whole interval).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const windowTarget = new EventTarget();
const documentTarget = Object.assign(new EventTarget(), { visibilityState: 'visible' });
let answer: () => Promise<Response> = () => Promise.resolve(new Response('{}'));
const fetchMock = vi.fn(() => answer());

beforeAll(() => {
	vi.stubGlobal('window', windowTarget);
	vi.stubGlobal('document', documentTarget);
	vi.stubGlobal('fetch', fetchMock);
});

afterAll(() => {
	vi.unstubAllGlobals();
});

describe('connection heartbeat', () => {
	it('checks again when the network goes while a check is in flight', async () => {
		const { connection } = await import('$lib/sync/connection.svelte');
		let release: (response: Response) => void = () => undefined;
		answer = () => new Promise<Response>((resolve) => (release = resolve));
		const stop = connection.start();
		try {
			await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
			// The network goes while that check waits; the server had answered before it went.
			answer = () => Promise.reject(new TypeError('Failed to fetch'));
			windowTarget.dispatchEvent(new Event('offline'));
			release(new Response(JSON.stringify({ ok: true })));
			await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
			await vi.waitFor(() => expect(connection.state).toBe('offline'));
		} finally {
			stop();
			connection.reset();
		}
	});

	it('stays reachable when a check times out while the open channel hears from the server', async () => {
		const { connection } = await import('$lib/sync/connection.svelte');
		answer = () => Promise.resolve(new Response('{}'));
		await connection.checkNow();
		expect(connection.reachable).toBe(true);
		connection.reportChannel(true);
		const timedOut = () => Promise.reject(new DOMException('signal timed out', 'TimeoutError'));
		try {
			// Under load /health is slow while frames keep coming over the channel: still in reach.
			let heardAt = -Infinity;
			connection.reportChannelHeard(() => heardAt);
			answer = () => {
				heardAt = performance.now() + 1;
				return timedOut();
			};
			await connection.checkNow();
			expect(connection.reachable).toBe(true);
			expect(connection.state).not.toBe('offline');

			// Last heard before the check was sent: the server is out of reach.
			heardAt = performance.now() - 1;
			answer = timedOut;
			await connection.checkNow();
			expect(connection.state).toBe('offline');

			// A failure other than a timeout (the network is gone) is out of reach at once, frames or not.
			answer = () => Promise.resolve(new Response('{}'));
			await connection.checkNow();
			answer = () => {
				heardAt = performance.now() + 1;
				return Promise.reject(new TypeError('Failed to fetch'));
			};
			await connection.checkNow();
			expect(connection.state).toBe('offline');

			// A closed channel proves nothing, however recently it heard.
			answer = () => Promise.resolve(new Response('{}'));
			await connection.checkNow();
			connection.reportChannel(false);
			answer = () => {
				heardAt = performance.now() + 1;
				return timedOut();
			};
			await connection.checkNow();
			expect(connection.state).toBe('offline');
		} finally {
			connection.reset();
		}
	});
});
