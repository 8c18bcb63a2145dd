import { defineConfig } from 'vitest/config';

// The real app end to end (e2e-app/): Tauri debug build under Xvfb via tauri-driver.
// Needs `cargo build --workspace` and `cargo install tauri-driver` first.
export default defineConfig({
  test: {
    include: ['e2e-app/**/*.app.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
