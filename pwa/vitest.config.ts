// Unit tests of the PWA's own logic (outbox, parsing, time zones) in Node with a fake
// IndexedDB and a DOM-less environment; run by `npm test` (and `make test`).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    setupFiles: ["test/setup.ts"],
  },
});
