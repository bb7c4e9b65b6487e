#!/usr/bin/env node
// `npx sightline <command>`: runs the TypeScript CLI through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
