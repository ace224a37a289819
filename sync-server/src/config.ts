// Server configuration from the environment and command line, read once at start.
import path from 'node:path';

export interface ServerConfig {
	port: number;
	host: string;
	dataDir: string;
	appDir: string;
	demo: boolean;
}

export function readConfig(
	env: NodeJS.ProcessEnv = process.env,
	argv: readonly string[] = process.argv.slice(2)
): ServerConfig {
	const root = process.cwd();
	return {
		port: Number(env.PORT ?? 4173),
		host: env.HOST ?? '127.0.0.1',
		dataDir: path.resolve(root, env.DATA_DIR ?? 'data'),
		appDir: path.resolve(root, env.APP_DIR ?? 'build'),
		demo: !(argv.includes('--no-demo') || env.TIERTWO_DEMO === '0')
	};
}
