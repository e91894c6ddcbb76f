/**
 * Folds text for matching typed answers: lower case, accents removed (people on sites type
 * "dispense" for "dispensé", "geoffnet" for "geöffnet"), punctuation to spaces, spaces folded.
 * `?`, `&`, `@` and digits are kept: "?" asks for help, "track&trace" and "cin@work" are names.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[’‘`´]/g, "'")
    .replace(/\?/g, ' ? ')
    .replace(/[^\p{L}\p{N}?&@']+/gu, ' ')
    .replace(/'/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether normalised `text` contains normalised `phrase` as whole words. */
export function containsPhrase(text: string, phrase: string): boolean {
  if (phrase.length === 0) return false;
  return ` ${text} `.includes(` ${phrase} `);
}
