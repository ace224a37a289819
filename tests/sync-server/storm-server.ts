// A real sync server in its own process for the reconnect storm (tests/sync-server/storm.ts): the
// test harness's server on a given port and data directory, with the connection caps raised through
// the harness's config (never the server's defaults). Prints `listening <url>`; SIGTERM closes it.
//   node --import tsx tests/sync-server/storm-server.ts <port> <dataDir> <limits as JSON>
import { startTestServer } from './harness';

const [port, dataDir, limits] = process.argv.slice(2);
const server = await startTestServer({
	dataDir: dataDir ?? '',
	config: { port: Number(port) },
	limits: JSON.parse(limits ?? '{}') as Record<string, number>
});
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
console.log(`listening ${server.url}`);
