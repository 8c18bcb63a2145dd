import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createPlatform } from './platform/create';
import type { Role } from './platform';
import type { Lang } from './lib/i18n';

const params = new URLSearchParams(window.location.search);
const roles: readonly Role[] = ['officer', 'outreach', 'supervisor'];
const asked = params.get('role');
const role: Role = roles.find((r) => r === asked) ?? 'outreach';
const lang: Lang = (params.get('lang') ?? navigator.language).startsWith('es') ? 'es' : 'en';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

const { platform, demo } = await createPlatform(role);
mount(App, { target, props: { platform, demo, lang } });
