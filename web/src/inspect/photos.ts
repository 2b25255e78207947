// Photos as the API takes them: JPEG, at most 1600 px on the long side. A phone's camera gives
// 4000 px files of several MB (or HEIC, which the API refuses); re-encoding keeps the queue
// small on the phone and the upload short on a weak signal.
const LONG_SIDE = 1600;
const QUALITY = 0.8;

export async function asJpeg(file: File): Promise<File> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
    return blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file;
  } catch {
    return file; // undecodable here: sent as it is, and the API says whether it takes it
  }
}
