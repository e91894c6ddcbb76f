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

const SPACE = 0x20;

/**
 * Whether normalised `text` contains normalised `phrase` as whole words: `phrase` found with a
 * space or an end of the text on either side. Called for every phrase of every list on every
 * message, so it searches in place rather than building padded copies of the text.
 */
export function containsPhrase(text: string, phrase: string): boolean {
  if (phrase.length === 0) return false;
  for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + 1)) {
    const end = at + phrase.length;
    if ((at === 0 || text.charCodeAt(at - 1) === SPACE) && (end === text.length || text.charCodeAt(end) === SPACE)) return true;
  }
  return false;
}
