import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // long campaigns: npm run test:long (vitest.long.config.ts)
    exclude: ['test/long/**', 'node_modules/**'],
    // the worker processes run dist/: build it first when the sources are newer
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    coverage: { provider: 'v8', include: ['api', 'model', 'impl', 'oracle', 'fuzz'] },
  },
});
