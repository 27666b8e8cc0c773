/**
 * A counter of changes, made outside the statements module, to what public pages show: a case cited
 * by a statement (its title, date, place, visibility, archiving) or the name of the organisation
 * that publishes one. The statements module's public cache clears itself when the counter has moved.
 * It lives here because the records and access code that makes those changes must not depend on the
 * statements module. Call `publicContentChanged` after the change has committed.
 */
let count = 0;

export function publicContentChanged(): void {
  count++;
}

export function publicChangeCount(): number {
  return count;
}
