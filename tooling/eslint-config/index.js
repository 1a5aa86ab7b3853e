// Shared flat ESLint config for every Sluice workspace package.
// Usage in a package's eslint.config.js:
//   import { sluiceConfig } from "@sluice/eslint-config";
//   export default sluiceConfig(import.meta.dirname);
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Builds the flat config for one package.
 * @param {string} tsconfigRootDir the package folder (pass `import.meta.dirname`)
 */
export function sluiceConfig(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ["dist/**", "node_modules/**", "coverage/**", "test-artifacts/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
    js.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
      languageOptions: {
        parserOptions: {
          projectService: true,
          tsconfigRootDir,
        },
      },
      rules: {
        "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        "@typescript-eslint/no-confusing-void-expression": "off",
        "@typescript-eslint/no-unnecessary-condition": ["error", { allowConstantLoopConditions: true }],
      },
    },
    {
      files: ["**/*.test.ts", "test/**/*.ts"],
      rules: {
        "@typescript-eslint/no-non-null-assertion": "off",
        "@typescript-eslint/no-floating-promises": "error",
      },
    },
  );
}
