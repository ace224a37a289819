#!/usr/bin/env node
// `npm start`: build the app when the build is missing or older than its sources, then run the server.
import { buildThenRun } from './build-then-run.mjs';

await buildThenRun('main');
