// Cuts a browser context off the server and back, for offline journeys.
import type { BrowserContext, WebSocketRoute } from '@playwright/test';

/** A close code a socket may send (1000 or 3000-4999); others (1005, 1006) as "going away". */
const sendable = (code: number | undefined) =>
	code === 1000 || (code !== undefined && code >= 3000 && code < 5000) ? code : 1001;

/** The device's sync channel (`/sync`) and the stock client's per-document URLs (`/sync/<name>`). */
const SYNC_SOCKET = /\/sync(?:[/?]|$)/;

/**
 * Cuts this browser context off the server and restores it. `setOffline` alone leaves open
 * websockets running, so the sync sockets are routed through Playwright and closed while offline.
 */
export async function networkSwitch(context: BrowserContext) {
	let offline = false;
	const open = new Set<WebSocketRoute>();
	await context.routeWebSocket(SYNC_SOCKET, (route) => {
		if (offline) {
			void route.close({ code: 1001, reason: 'offline' });
			return;
		}
		const upstream = route.connectToServer();
		open.add(route);
		route.onClose((code, reason) => {
			open.delete(route);
			void upstream.close({ code: sendable(code), reason });
		});
		// The server's close code matters (4400 refused, 4401, 4403): pass it on unchanged.
		upstream.onClose((code, reason) => {
			open.delete(route);
			void route.close({ code: sendable(code), reason });
		});
	});
	return {
		async offline() {
			offline = true;
			await context.setOffline(true);
			for (const route of [...open]) await route.close({ code: 1001, reason: 'offline' });
		},
		/** Only the sync websockets drop (and stay refused); HTTP still works. */
		async cutSockets() {
			offline = true;
			for (const route of [...open]) await route.close({ code: 1001, reason: 'cut' });
		},
		async online() {
			offline = false;
			await context.setOffline(false);
		}
	};
}
