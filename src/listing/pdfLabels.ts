import { CATALOGS, type Locale } from '../i18n/index.js';
import { CAUSES } from '../understanding/recognize.js';
import type { ListingPdfLabels } from './renderPdf.js';

/** The printable listing's labels in one of our languages, from locales/ (`listing.pdf`). */
export function listingPdfLabels(locale: Locale): ListingPdfLabels {
  const catalog = CATALOGS[locale];
  const causes = Object.fromEntries(CAUSES.map((cause) => [cause, catalog.procedure.node.cause.answer[cause].label]));
  return { ...catalog.listing.pdf, causes };
}
