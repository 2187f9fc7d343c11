import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { installErrorLogging } from './ipc/log';
import { currentLang } from './i18n/index.svelte';

async function start() {
  installErrorLogging();
  document.documentElement.lang = currentLang();
  const target = document.getElementById('app');
  if (target) mount(App, { target });
}

void start();
