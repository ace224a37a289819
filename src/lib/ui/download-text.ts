// Offers a text (e.g. exported pending work) to the user as a file download.

export function downloadText(fileName: string, text: string, type = 'application/json'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = fileName;
	link.click();
	// The click starts the download synchronously; the URL is not needed after it.
	setTimeout(() => URL.revokeObjectURL(url), 0);
}
