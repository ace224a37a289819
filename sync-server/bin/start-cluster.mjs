#!/usr/bin/env node
// `npm run start:cluster`: build the app if needed (as `npm start` does), then run the cluster
// launcher (sync-server/src/cluster/start-cluster.ts): Redis, PostgreSQL, N processes, one port.
import { buildThenRun } from './build-then-run.mjs';

await buildThenRun('start-cluster');
