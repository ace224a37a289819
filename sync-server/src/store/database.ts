// Opens the server's SQLite file (WAL) in the data directory and brings its schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
	/**
	 * `normal` survives a killed process (the WAL is in the OS's hands once a commit returns);
	 * `full` also survives a power cut, at one fsync per commit.
	 */
	readonly durability: 'normal' | 'full';
}

export function openDatabase(dataDir: string, options: OpenOptions): SqliteDatabase {
	mkdirSync(dataDir, { recursive: true });
	const db = new Database(path.join(dataDir, 'tiertwo.sqlite'));
	db.pragma('journal_mode = WAL');
	db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	migrate(db);
	return db;
}

/** Applies every migration newer than the file's `user_version`, each in its own transaction. */
export function migrate(db: SqliteDatabase): number {
	const current = db.pragma('user_version', { simple: true }) as number;
	if (current > MIGRATIONS.length) {
		throw new Error(
			`the data directory was written by a newer server (schema ${current}, this one knows ${MIGRATIONS.length})`
		);
	}
	for (let version = current + 1; version <= MIGRATIONS.length; version += 1) {
		const step = MIGRATIONS[version - 1];
		if (!step) continue;
		db.transaction(() => {
			step(db);
			db.pragma(`user_version = ${version}`);
		})();
	}
	return MIGRATIONS.length;
}
