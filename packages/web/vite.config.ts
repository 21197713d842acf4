import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

// The server serves dist/ at / and the API at /v1 on the same origin; in `vite dev` the API is
// proxied to a running `fidelis serve` (FIDELIS_API, default http://localhost:3000).
// Every text asset is also written brotli- and gzip-compressed (app.js and friends go from about
// 2 MB to 0.5 MB on the wire): the server sends the variant a browser accepts, compressed once
// here rather than on every request.
export default defineConfig({
  plugins: [react(), compression({ threshold: 1024, logLevel: 'silent' })],
  server: {
    proxy: { '/v1': process.env.FIDELIS_API ?? 'http://localhost:3000' },
  },
  build: {
    chunkSizeWarningLimit: 1200,
  },
});
