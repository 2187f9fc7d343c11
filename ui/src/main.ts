import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { installErrorLogging } from './ipc/log';
import { currentLang } from './i18n/index.svelte';

async function start() {
  // In `npm run dev` outside the Tauri window there is no backend: use a fake one with sample data.
  if (import.meta.env.DEV && !('__TAURI_INTERNALS__' in window)) {
    const { installMockBackend } = await import('./dev/mockBackend');
    installMockBackend();
  }
  installErrorLogging();
  document.documentElement.lang = currentLang();
  const target = document.getElementById('app');
  if (target) mount(App, { target });
}

void start();
