// Image uploads travel through the API contract as base64 text.

/** Reads a local file as base64 (without the data: prefix), for image uploads through the contract. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const text = String(reader.result ?? '');
      resolve(text.slice(text.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error('The file could not be read; choose it again.'));
    reader.readAsDataURL(file);
  });
}
