// Offering an export's files as downloads in the plain browser (the demo), where the
// fake hands over the files' text instead of writing files: each becomes a Blob URL
// and is saved through an `<a download>` click. Inside the app the device writes the
// files itself and the screen shows their folder instead.
import type { ExportFile } from '../../platform';

/** A file the browser can save: its name and a Blob URL (revoke it with `URL.revokeObjectURL`). */
export interface Saved {
  name: string;
  url: string;
}

/** Whether the export's files came as text to download (the browser), not as paths. */
export function isDownload(files: readonly ExportFile[]): boolean {
  return files.length > 0 && files.every((f) => typeof f.content === 'string');
}

/** A Blob URL for each file that carries its text. */
export function blobUrls(files: readonly ExportFile[]): Saved[] {
  return files.flatMap((f) =>
    typeof f.content === 'string'
      ? [{ name: f.name, url: URL.createObjectURL(new Blob([f.content], { type: f.type ?? 'text/plain' })) }]
      : [],
  );
}

/** Saves one file through a temporary `<a download>` link. */
export function save(file: Saved): void {
  const a = document.createElement('a');
  a.href = file.url;
  a.download = file.name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}
