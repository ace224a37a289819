// Entry point: one HTTP server for the app, the account API and the sync websocket.
import { readConfig, type ServerConfig } from './config.js';
import { demoCustomer } from './demo-customers.js';
import { startServer } from './server.js';

let config: ServerConfig;
try {
	config = readConfig();
} catch (error) {
	// A bad flag or variable: say which, without a stack.
	console.error(error instanceof Error ? error.message : error);
	process.exit(2);
}
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

if (server.demoCustomers) {
	const { added, total, ms } = server.demoCustomers;
	const rate = added > 0 ? ` (${Math.round((added * 1000) / ms)} customers/s)` : '';
	console.log(
		`\nDemo customers: added ${added} of ${total} to Contoso IT Services in ${(ms / 1000).toFixed(1)} s${rate}` +
			(total > 0 ? `; sign in as ${demoCustomer(0).adminEmail} … (password: tiertwo-demo)` : '')
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
