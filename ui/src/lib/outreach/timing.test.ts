import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce, within } from './timing';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('within', () => {
  it('gives the value when it comes in time', async () => {
    const p = within(Promise.resolve(5), 1000, null);
    await expect(p).resolves.toBe(5);
  });
  it('gives the fallback when the promise is slow', async () => {
    const slow = new Promise<number>((resolve) => setTimeout(() => resolve(1), 5000));
    const p = within(slow, 1000, null);
    vi.advanceTimersByTime(1000);
    await expect(p).resolves.toBeNull();
  });
  it('gives the fallback when the promise fails', async () => {
    await expect(within(Promise.reject(new Error('no')), 1000, 'none')).resolves.toBe('none');
  });
});

describe('debounce', () => {
  it('calls once with the last arguments after the pause', () => {
    const fn = vi.fn();
    const d = debounce(fn, 300);
    d('a');
    vi.advanceTimersByTime(200);
    d('ab');
    vi.advanceTimersByTime(299);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('ab');
  });
  it('can be cancelled', () => {
    const fn = vi.fn();
    const d = debounce(fn, 300);
    d();
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
  });
});
