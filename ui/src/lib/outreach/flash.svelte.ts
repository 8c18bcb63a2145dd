// A one-time confirmation carried from a screen that saved to the screen it returns
// to ("Saved: contact with Rosa" on Home after the contact sheet closes).
class Flash {
  message: string | null = $state(null);
  private timer: ReturnType<typeof setTimeout> | null = null;

  show(message: string, ms = 5000): void {
    this.message = message;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.message = null;
      this.timer = null;
    }, ms);
  }

  clear(): void {
    this.message = null;
  }
}

export const flash = new Flash();
