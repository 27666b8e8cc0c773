/**
 * Length over composition (NIST SP 800-63B): at least 12 characters, up to 128, and not one of the
 * most common passwords or a variation of the account's own name or e-mail.
 */
const common = new Set(
  [
    '123456789012', 'password1234', 'qwertyuiop12', '111111111111', '000000000000', 'contraseña123', 'contrasena123',
    'passwordpassword', 'iloveyou1234', 'administrator', 'welcome12345', 'qwerty123456', 'abc123456789',
    '1234567890ab', 'venezuela123', 'venezuela2021', 'atalaya12345', 'derechoshumanos', 'humanrights1',
  ].map((s) => s.toLowerCase()),
);

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_common' | 'password_personal';

export function passwordProblem(password: string, personal: string[] = []): PasswordProblem | null {
  const chars = [...password];
  if (chars.length < 12) return 'password_too_short';
  if (chars.length > 128) return 'password_too_long';
  const folded = password.toLowerCase();
  if (common.has(folded) || /^(.)\1+$/.test(password) || /^(0123456789|1234567890)+/.test(password)) return 'password_common';
  for (const p of personal) {
    const local = p.toLowerCase().split('@')[0] ?? '';
    if (local.length >= 4 && folded.includes(local)) return 'password_personal';
  }
  return null;
}
