// ESLint for the PWA (`npm run lint`, part of `make lint`): the recommended JavaScript and
// TypeScript rules; formatting is left to the code as written.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dev-dist/", "node_modules/", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Unused names are the compiler's job (noUnusedLocals), with the same exceptions.
      "@typescript-eslint/no-unused-vars": "off",
    },
  },
  {
    files: ["public/**/*.js"],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ["vite.config.ts", "vitest.config.ts", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
);
