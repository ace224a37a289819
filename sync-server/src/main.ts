// Entry point: one HTTP server for the app, the account API and the sync websocket.
import http from 'node:http';
import { readConfig } from './config.js';
import { createAppHandler } from './http/app-static.js';

const config = readConfig();
const serveApp = createAppHandler(config.appDir);

const server = http.createServer((req, res) => {
	if (req.url === '/health') {
		res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
		res.end(JSON.stringify({ ok: true }));
		return;
	}
	serveApp(req, res, () => {
		res.writeHead(404).end();
	});
});

server.listen(config.port, config.host, () => {
	console.log(`tiertwo is running at http://localhost:${config.port}`);
});
