// Nothing a client has received is lost when the server is killed with SIGKILL mid-stream, and a
// restarted server loads the document identically every time.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
	CONTOSO_ADMIN,
	cookiesFrom,
	socketClass,
	spawnServerProcess,
	tenantUserAdded,
	waitFor,
	type ServerProcess,
	type Session
} from './harness';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-durability-'));
const children = new Set<ChildProcess>();

afterAll(() => {
	for (const child of children) child.kill('SIGKILL');
	rmSync(dataDir, { recursive: true, force: true });
});

function startChild(): Promise<ServerProcess> {
	return spawnServerProcess({ DATA_DIR: dataDir }, children);
}

async function signIn(url: string, email: string): Promise<Session> {
	const response = await fetch(`${url}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password: 'tiertwo-demo' })
	});
	expect(response.status).toBe(200);
	return cookiesFrom(response);
}

function connect(url: string, session: Session, name: string, doc: Y.Doc): WebsocketProvider {
	return new WebsocketProvider(`${url.replace(/^http/, 'ws')}/sync`, name, doc, {
		WebSocketPolyfill: socketClass(session.cookie, url),
		disableBc: true
	});
}

async function loadFresh(url: string, name: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	const provider = connect(url, await signIn(url, 'admin@wingtip.example'), name, doc);
	await waitFor(() => provider.synced, 10_000, 'sync after restart');
	provider.destroy();
	return doc;
}

describe('durability', () => {
	it('keeps every update a peer received across SIGKILL, and loads identically after restarts', async () => {
		const name = 'customer/wingtip';
		let server = await startChild();
		const writerDoc = new Y.Doc();
		const peerDoc = new Y.Doc();
		const writer = connect(
			server.url,
			await signIn(server.url, 'admin@contoso.example'),
			name,
			writerDoc
		);
		const peer = connect(
			server.url,
			await signIn(server.url, 'admin@wingtip.example'),
			name,
			peerDoc
		);
		await waitFor(() => writer.synced && peer.synced, 10_000, 'first sync');
		const initial = peerDoc.getArray('log').length;

		// Stream appends until the peer has received 300 of them, then kill the server mid-stream.
		let streaming = true;
		const stream = (async () => {
			while (streaming) {
				writerDoc.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN)]);
				await new Promise((resolve) => setTimeout(resolve, 1));
			}
		})();
		await waitFor(
			() => peerDoc.getArray('log').length >= initial + 300,
			30_000,
			'streamed updates'
		);
		server.child.kill('SIGKILL');
		const received = peerDoc.getArray('log').toJSON();
		streaming = false;
		await stream;
		writer.destroy();
		peer.destroy();
		expect((await server.exited).signal).toBe('SIGKILL');

		server = await startChild();
		const first = await loadFresh(server.url, name);
		const firstLog = first.getArray('log').toJSON();
		expect(firstLog.length).toBeGreaterThanOrEqual(received.length);
		// One writer appended in order: what the peer saw is exactly the start of what was stored.
		expect(firstLog.slice(0, received.length)).toEqual(received);
		server.child.kill('SIGKILL');
		await server.exited;

		server = await startChild();
		const second = await loadFresh(server.url, name);
		expect(Y.encodeStateVector(second)).toEqual(Y.encodeStateVector(first));
		expect(second.getArray('log').toJSON()).toEqual(firstLog);

		// A graceful stop (SIGTERM) flushes and exits cleanly.
		server.child.kill('SIGTERM');
		expect((await server.exited).code).toBe(0);
	}, 90_000);
});
