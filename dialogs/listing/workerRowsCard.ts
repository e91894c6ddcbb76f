import type { Activity, Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import { type Locale, t } from '../../src/i18n/index.js';
import type { CrewLine } from '../../src/listing/crewImport.js';
import { parseWorkerFields, parseWorkerLine } from '../../src/listing/workerLine.js';

/**
 * Several workers in one form, where the channel shows Adaptive Cards (Teams, Web Chat): one row
 * per worker (identifier, surname, first name) and one "add" action. Schema 1.5 at most: what
 * Teams renders. Every row is checked with the same rules as a typed line, and refused rows are
 * reported by number in the same summary as a pasted crew.
 */
export const WORKER_ROWS = 5;
const FORM_ID = 'workers';

/** Channels whose clients render Adaptive Cards and send their Action.Submit back as `value`. */
export function showsCards(channelId: string | undefined): boolean {
  return channelId === 'msteams' || channelId === 'webchat' || channelId === 'directline' || channelId === 'emulator';
}

export function workerRowsCard(locale: Locale, rows = WORKER_ROWS): Attachment {
  const body: unknown[] = [
    { type: 'TextBlock', text: t(locale, 'crew.card.title'), weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading' },
    // Not `isSubtle`: Web Chat's subtle grey fails the WCAG AA contrast ratio (axe-core).
    { type: 'TextBlock', text: t(locale, 'crew.card.intro'), wrap: true },
  ];
  for (let n = 1; n <= rows; n += 1) {
    const row = t(locale, 'crew.card.row', { n });
    body.push({
      type: 'Container',
      separator: n > 1,
      items: [
        { type: 'TextBlock', text: row, weight: 'Bolder', wrap: true },
        // Placeholders as well as labels: Web Chat's screen-reader rendering of a card names an
        // input by its placeholder only (axe-core "label" rule).
        { type: 'Input.Text', id: `workerId${n}`, label: `${t(locale, 'listing.pdf.columns.identifier')} (${row})`, placeholder: t(locale, 'listing.pdf.columns.identifier') },
        {
          type: 'ColumnSet',
          columns: [
            { type: 'Column', width: 'stretch', items: [{ type: 'Input.Text', id: `surname${n}`, label: `${t(locale, 'listing.pdf.columns.surname')} (${row})`, placeholder: t(locale, 'listing.pdf.columns.surname') }] },
            { type: 'Column', width: 'stretch', items: [{ type: 'Input.Text', id: `firstName${n}`, label: `${t(locale, 'listing.pdf.columns.firstName')} (${row})`, placeholder: t(locale, 'listing.pdf.columns.firstName') }] },
          ],
        },
      ],
    });
  }
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions: [{ type: 'Action.Submit', title: t(locale, 'crew.card.add'), data: { form: FORM_ID } }],
  });
}

/**
 * The filled rows of a submitted card, numbered as on the card; undefined when the activity is
 * not this form. Also reads the one-worker form of earlier versions (`form: 'worker'`).
 */
export function workerRowsOf(activity: Partial<Activity>): CrewLine[] | undefined {
  const value = activity.value;
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : '');
  if (fields.form === 'worker') return [rowOf(1, text('workerId'), text('surname'), text('firstName'))];
  if (fields.form !== FORM_ID) return undefined;
  const rows: CrewLine[] = [];
  for (let n = 1; n <= WORKER_ROWS; n += 1) {
    const [id, surname, firstName] = [text(`workerId${n}`), text(`surname${n}`), text(`firstName${n}`)];
    if (`${id}${surname}${firstName}`.trim() !== '') rows.push(rowOf(n, id, surname, firstName));
  }
  return rows;
}

function rowOf(n: number, id: string, surname: string, firstName: string): CrewLine {
  // The whole line typed into the identifier field ("85073003328 Peeters Jan") reads like a line.
  if (surname.trim() === '' && firstName.trim() === '' && /\p{L}/u.test(id.replace(/^\s*(?:l1|limosa)/i, ''))) {
    return { line: n, result: parseWorkerLine(id) };
  }
  return { line: n, result: parseWorkerFields(id, surname, firstName) };
}
