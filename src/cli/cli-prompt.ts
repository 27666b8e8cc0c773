import { createInterface } from 'node:readline';
import { AppError } from '../shared/errors.js';
import type { CliIO } from './cli-io.js';

/**
 * A secret from an environment variable (for scripts) or typed on the terminal without echo. Never
 * from a command-line argument, where it would end up in shell history and process listings.
 */
export async function readSecret(io: CliIO, envName: string, prompt: string): Promise<string> {
  const fromEnv = io.env[envName];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new AppError('bad_input', { message: `Set ${envName} or run this command in a terminal.` });
  process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: true });
  const rlAny = rl as unknown as { _writeToOutput: (s: string) => void };
  rlAny._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}
