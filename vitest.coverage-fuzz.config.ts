import { defineConfig } from 'vitest/config';

// npm run coverage:fuzz: branch coverage of impl/ and model/ under the default campaign
export default defineConfig({
  test: {
    include: ['test/coverage/*.fuzz.ts'],
    testTimeout: 600_000,
    coverage: {
      enabled: true,
      provider: 'v8',
      include: ['impl/**', 'model/**'],
      reporter: ['text-summary', 'json'],
      reportsDirectory: 'coverage/fuzz',
    },
  },
});
