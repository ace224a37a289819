// Entry point: one HTTP server for the app, the account API and the sync websocket.
import { readConfig } from './config.js';
import { startServer } from './server.js';

const config = readConfig();
const server = await startServer(config);

console.log(`tiertwo is running at ${server.url}`);
if (server.demoSignIns.length > 0) {
	console.log('\nDemo workspace created. Sign in with any of these (password: tiertwo-demo):');
	for (const signIn of server.demoSignIns) {
		console.log(`  ${signIn.email.padEnd(36)} ${signIn.orgName} (${signIn.roles.join(', ')})`);
	}
} else if (config.demo) {
	console.log(
		'Demo sign-ins: admin@contoso.example, admin@northwind.example, … (password: tiertwo-demo)'
	);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		server.log.info({ signal }, 'shutting down');
		server.close().then(
			() => process.exit(0),
			(error: unknown) => {
				server.log.error({ err: error }, 'shutdown failed');
				process.exit(1);
			}
		);
	});
}
