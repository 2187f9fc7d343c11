import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess({ script: false }),
  compilerOptions: {
    // Component styles go to the emitted CSS file: the CSP forbids inline styles.
    css: 'external',
  },
};
