import { createBackend } from '@backstage/backend-defaults';

// A minimal backend for working on this plugin alone: `npm start` in this
// folder, then `curl http://localhost:7007/api/app-platform/health`.
const backend = createBackend();
backend.add(import('../src'));
backend.start();
