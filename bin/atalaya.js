#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step), so `npx atalaya` works from a fresh clone.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
