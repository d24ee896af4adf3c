/** The most characters of a client's or stranger's text an error message quotes. */
const PREVIEW_CHARACTERS = 64;

/**
 * Quotes the start of text nobody validated (a client's name, a job's model) for an error message
 * or log line, so the message stays small whatever was sent: JSON-quoted, cut after 64 characters.
 */
export function previewText(text: string): string {
  return JSON.stringify(text.length > PREVIEW_CHARACTERS ? `${text.slice(0, PREVIEW_CHARACTERS)}…` : text);
}
