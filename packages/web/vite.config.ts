import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/ at / and the API at /v1 on the same origin; in `vite dev` the API is
// proxied to a running `fidelis serve` (FIDELIS_API, default http://localhost:3000).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/v1': process.env.FIDELIS_API ?? 'http://localhost:3000' },
  },
  build: {
    chunkSizeWarningLimit: 1200,
  },
});
