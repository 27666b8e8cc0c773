import { openRuntime, type Runtime } from '../access/index.js';
import { loadConfig, type Config } from '../config/index.js';
import type { CliIO } from './cli-io.js';

/** Opens config + database + keys for a command, and closes them whatever happens. */
export async function withRuntime<T>(io: CliIO, fn: (rt: Runtime, config: Config) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig(io.env);
  const rt = await openRuntime(config, opts);
  try {
    return await fn(rt, config);
  } finally {
    await rt.close();
  }
}
