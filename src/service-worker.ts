/// <reference lib="webworker" />
// Precaches every built file (per-file revisions) and serves the app shell for any navigation offline.
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
// Server endpoints are never answered with the app shell.
registerRoute(
	new NavigationRoute(createHandlerBoundToURL('/index.html'), {
		denylist: [/^\/(api|sync|health|metrics)(\/|$)/]
	})
);

// A new version waits until the user chooses Reload (workbox-window messageSkipWaiting).
self.addEventListener('message', (event) => {
	if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first install takes control of the open page at once, so it works offline without a reload.
// (An update never gets here before the user's click: it waits.)
self.addEventListener('activate', (event) => {
	event.waitUntil(self.clients.claim());
});
