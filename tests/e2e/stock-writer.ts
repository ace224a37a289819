// Another user's device outside the browser: signs in over HTTP and appends events to a document
// with the stock y-websocket client, resolving once the server has acknowledged storing them.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MESSAGE_ACK, readAck } from '../../src/lib/protocol/sync-messages';

export interface StockEvent {
	id: string;
	type: string;
	at: string;
	by: { userId: string; orgId: string };
	payload: object;
}

/**
 * Appends `events` to `docName` as `who` and waits for the acknowledgement that covers them. The
 * server also acknowledges the client's sync step 2 (its answer to the server's state vector),
 * which can arrive after `sync`: an ack is ours only when its state vector holds our last clock.
 */
export async function appendWithStockClient(
	base: string,
	who: { email: string; password: string },
	docName: string,
	events: StockEvent[]
): Promise<void> {
	const signIn = await fetch(`${base}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: base },
		body: JSON.stringify(who)
	});
	if (signIn.status !== 200) throw new Error(`sign-in as ${who.email}: ${signIn.status}`);
	const cookie = signIn.headers
		.getSetCookie()
		.map((line) => line.split(';')[0])
		.join('; ');
	class AuthenticatedSocket extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols, { headers: { cookie, origin: base } });
		}
	}
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`${base.replace(/^http/, 'ws')}/sync`, docName, doc, {
		WebSocketPolyfill: AuthenticatedSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { ack: '1' }
	});
	try {
		await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
		const acknowledged = new Promise<void>((resolve) => {
			provider.messageHandlers[MESSAGE_ACK] = (_encoder, decoder) => {
				const mine = Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0;
				if ((readAck(decoder).get(doc.clientID) ?? 0) >= mine && mine > 0) resolve();
			};
		});
		doc.getArray('log').push(events);
		await acknowledged;
	} finally {
		provider.destroy();
	}
}
