import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served under /console/ (no page path may collide with an API path such as
 * /applications). Its runtime settings come from /console/config.json, written at deploy time and
 * served by `npm start` locally; nothing deployment-specific is built in.
 *
 * `npm run dev -w web` serves the sources with hot reload on :5173 and forwards every API path (and
 * config.json) to the runner on :3000 (`npm start` in another terminal).
 */
const runner = process.env.RELIEF_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // dist/.vite/manifest.json: the chunk graph the bench and the first-load test size (web/scripts/first-load.ts).
    manifest: true,
    // The entry stays small; pages are separate chunks loaded on navigation.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/console/config.json': runner,
      '^/(?!console/|@|src/|node_modules/).*': runner,
    },
  },
});
