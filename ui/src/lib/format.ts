import type { Lang } from './i18n';

/** "30 days left", "1 day left", "due today", "overdue by 2 days" (and in Spanish). */
export function daysLeftLabel(days: number, lang: Lang): string {
  if (lang === 'es') {
    if (days > 0) return days === 1 ? 'queda 1 día' : `quedan ${days} días`;
    if (days === 0) return 'vence hoy';
    const over = -days;
    return over === 1 ? 'vencida hace 1 día' : `vencida hace ${over} días`;
  }
  if (days > 0) return days === 1 ? '1 day left' : `${days} days left`;
  if (days === 0) return 'due today';
  const over = -days;
  return over === 1 ? 'overdue by 1 day' : `overdue by ${over} days`;
}

/** A short local date and time for "last sync" and similar. */
export function shortDateTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang === 'es' ? 'es-US' : 'en-US', {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}
