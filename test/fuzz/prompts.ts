import { randomUUID } from 'node:crypto';
import { CATALOGS, type Locale, t, translateDynamic } from '../../src/i18n/index.js';
import { enumeratePaths } from '../../src/procedure/paths.js';
import { NODE_IDS, NODES, type NodeId } from '../../src/procedure/table.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { ICU_ARGUMENT } from './replyChecks.js';

/**
 * Every prompt of the bot, and how a fresh conversation gets there: the procedure table's nodes
 * (routes derived from the table itself, answering with the option numbers), the listing's six
 * questions, the evidence note and the erase confirmation.
 */
export interface PromptRoute {
  readonly id: string;
  /** The messages that lead there from a fresh conversation. */
  readonly messages: (locale: Locale) => readonly string[];
  /** A piece of the prompt's text, to check the route arrived. */
  readonly arrival: (locale: Locale) => string;
}

/** The fixed text of a template before its first placeholder (or after, when it starts with one). */
function fixedPart(template: string): string {
  const parts = template.replace(ICU_ARGUMENT, '{arg}').split(/\{\w+\}/).map((p) => p.trim());
  return parts.reduce((longest, p) => (p.length > longest.length ? p : longest), '');
}

function nodeRoute(node: NodeId): PromptRoute {
  const path = enumeratePaths().find((p) => p.steps.some((s) => s.node === node));
  if (!path) throw new Error(`no path reaches ${node}`);
  const before = path.steps.slice(0, path.steps.findIndex((s) => s.node === node));
  const numbers = before.map((s) => String(NODES[s.node].answers.findIndex((a) => a.id === s.answer) + 1));
  return {
    id: `procedure:${node}`,
    messages: (locale) => [CATALOGS[locale].actions.exemptToday, ...numbers],
    arrival: (locale) => translateDynamic(locale, `procedure.node.${node}.question`),
  };
}

const WORKER = buildNationalNumber('850730', 33, 1900);
const listingStart = (locale: Locale) => [CATALOGS[locale].actions.haveReference];
const header = (locale: Locale) => [...listingStart(locale), 'REF-FUZZ-1', `FUZZ${randomUUID().slice(0, 6)}`];
const toWorkerId = (locale: Locale) => [...header(locale), CATALOGS[locale].listing.todayButton];

export const PROMPTS: readonly PromptRoute[] = [
  ...NODE_IDS.map(nodeRoute),
  { id: 'listing:reference', messages: listingStart, arrival: (l) => t(l, 'listing.askReference') },
  { id: 'listing:declaration', messages: (l) => [...listingStart(l), 'REF-FUZZ-1'], arrival: (l) => t(l, 'listing.askDeclaration') },
  { id: 'listing:date', messages: header, arrival: (l) => fixedPart(CATALOGS[l].listing.askDate) },
  { id: 'listing:workerId', messages: toWorkerId, arrival: (l) => fixedPart(CATALOGS[l].listing.askWorkerId) },
  { id: 'listing:surname', messages: (l) => [...toWorkerId(l), WORKER], arrival: (l) => fixedPart(CATALOGS[l].listing.askSurname) },
  { id: 'listing:firstName', messages: (l) => [...toWorkerId(l), WORKER, 'Peeters'], arrival: (l) => t(l, 'listing.askFirstName', { surname: 'Peeters' }) },
  {
    id: 'evidence:note',
    // "Checkinatwork is down" → exempt (option 3), then "record evidence".
    messages: (l) => [CATALOGS[l].actions.exemptToday, '3', CATALOGS[l].actions.recordEvidence],
    arrival: (l) => t(l, 'evidence.askNote'),
  },
  {
    id: 'erase:confirm',
    // After "done": "erase the listing" in the middle of the worker loop finds nothing to erase
    // (EmergencyBot.currentListing reads the prompt's options, not the worker loop's).
    messages: (l) => [...toWorkerId(l), CATALOGS[l].actions.finishListing, CATALOGS[l].intentsListing.erase[0] ?? ''],
    arrival: (l) => fixedPart(CATALOGS[l].listing.erase.confirm),
  },
];
