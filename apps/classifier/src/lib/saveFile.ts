/** Saves `text` as a file named `name` through the browser's download, as a link to it clicked. */
export function saveFile(text: string, name: string, type = 'text/csv'): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  // Firefox follows only a link in the document, and may not have begun the download when click() returns.
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}
