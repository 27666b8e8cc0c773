import { isLang, type Lang, defaultLang } from '../shared/i18n/index.js';

/** What every command receives: where to write, the user's language and the environment. */
export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  lang: Lang;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  tty: boolean;
}

export interface CommandModule {
  run(argv: string[], io: CliIO): Promise<number>;
}

/**
 * ATALAYA_LANG, else the POSIX locale in its order of precedence (LC_ALL, LC_MESSAGES, LANG; the
 * first that is set and not empty), es_VE.UTF-8 -> es; the C and POSIX locales mean English;
 * anything else (or nothing) Spanish.
 */
export function cliLanguage(env: NodeJS.ProcessEnv): Lang {
  const raw = [env.ATALAYA_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v.trim() !== '') ?? '';
  const base = raw.trim().toLowerCase().split(/[_.@-]/)[0]!;
  if (base === 'c' || base === 'posix') return 'en';
  return isLang(base) ? base : defaultLang;
}

export function processIO(): CliIO {
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    lang: cliLanguage(process.env),
    env: process.env,
    tty: Boolean(process.stderr.isTTY),
  };
}
