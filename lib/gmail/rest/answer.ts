/**
 * The body of Google's answer: parsed JSON when it is JSON (Gmail's resources and error
 * objects), the text otherwise (a proxy's HTML 502), and
 * undefined when empty (a 204 from `drafts.delete`).
 */
export async function readData(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  if (!/json/i.test(response.headers.get('content-type') ?? 'application/json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
