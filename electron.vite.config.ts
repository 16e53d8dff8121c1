import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { bundledFontsPlugin } from './scripts/bundled-fonts'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // Electron entry (the only file that imports electron)
          index: resolve(__dirname, 'src/main/index.ts'),
          // `sauti` command line (serve, import, doctor): plain Node
          cli: resolve(__dirname, 'src/main/hosts/cli.ts'),
          // worker_threads entries: heavy work never runs on the main thread
          'audio-worker': resolve(__dirname, 'src/main/workers/audio.ts'),
          'inference-worker': resolve(__dirname, 'src/main/workers/inference.ts'),
          'train-worker': resolve(__dirname, 'src/main/workers/train.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
      // Fonts stay files: the CSP allows fonts from the app itself, never data: URLs.
      assetsInlineLimit: (file) => (file.endsWith('.woff2') ? false : undefined),
    },
    plugins: [bundledFontsPlugin(), vue()],
    // vue-i18n: Composition API only, no devtools hooks in production bundles.
    define: {
      __VUE_I18N_FULL_INSTALL__: true,
      __VUE_I18N_LEGACY_API__: false,
      __INTLIFY_PROD_DEVTOOLS__: false,
    },
  },
})
