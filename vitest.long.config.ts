import { defineConfig } from 'vitest/config';

/** npm run test:long: what is too long for npm test (every public mutant on seeds 1..5, the packed tarball, the docs' commands, the exec: protocol's fault proxies) */
export default defineConfig({
  test: {
    include: ['test/long/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
