// `npm run bench`: runs every tests/bench/*.bench.ts in its own process, one after another, and prints
// their figures (each prints `name value [unit]` lines) with the machine they were measured on.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const benches = readdirSync(dir)
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
	.sort();

console.log(
	`# tiertwo bench — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`
);
let failed = 0;
for (const bench of benches) {
	console.log(`\n## ${bench}`);
	const result = spawnSync(
		process.execPath,
		['--expose-gc', '--import', 'tsx', path.join(dir, bench)],
		{
			stdio: 'inherit',
			cwd: path.resolve(dir, '..', '..')
		}
	);
	if (result.status !== 0) {
		failed += 1;
		console.log(`!! ${bench} exited with ${result.status ?? result.signal}`);
	}
}
process.exit(failed === 0 ? 0 : 1);
