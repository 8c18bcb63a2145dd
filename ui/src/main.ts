import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createPlatform } from './platform/create';
import type { Theme } from './lib/context.svelte';
import type { Lang } from './lib/i18n';

// In a plain browser (tests, `npm run dev`) the query string picks the fake's role,
// phase and clock; inside Tauri only `lang` and `theme` apply.
const params = new URLSearchParams(window.location.search);
const lang: Lang = (params.get('lang') ?? navigator.language).startsWith('es') ? 'es' : 'en';
const asked = params.get('theme');
const theme: Theme =
  asked === 'dark' || asked === 'light' ? asked : window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

const { platform, demo } = await createPlatform(params);
mount(App, { target, props: { platform, demo, lang, theme } });
