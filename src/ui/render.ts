import type { Child } from 'hono/jsx';

/** Renders a JSX page to an HTML document string (hono/jsx escapes text and attributes). */
export function renderDocument(page: Child): string {
  return '<!doctype html>' + String(page);
}
