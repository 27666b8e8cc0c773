import type { Runtime } from '../access/index.js';
import type { Config } from '../config/index.js';
import type { CliIO } from './cli-io.js';

/**
 * Opens config + database + keys for a command, and closes them whatever happens. Loaded on call,
 * so that a command's --help (or a usage error) never pays for the database and crypto modules.
 */
export async function withRuntime<T>(io: CliIO, fn: (rt: Runtime, config: Config) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const [{ openRuntime }, { loadConfig }] = await Promise.all([import('../access/index.js'), import('../config/index.js')]);
  const config = loadConfig(io.env);
  const rt = await openRuntime(config, opts);
  try {
    return await fn(rt, config);
  } finally {
    await rt.close();
  }
}
