import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { ARTIFACTS, say, transcriptText, useWebChatInChromium } from './webChatPage.js';

/**
 * The fast listing in the Web Chat page, in Debian's headless Chromium over the local Direct
 * Line path (issue 9, items 3, 8 and 9): the several-workers card, a spreadsheet uploaded with
 * the paper clip, and axe-core on the page and its cards.
 */
const niss = (i: number) => buildNationalNumber(`7${i}0${i}1${i}`, 40 + i, 1900);

/** Serious and critical axe-core violations (WCAG 2.x A and AA rules), as readable lines. */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 300)}`).slice(0, 3).join(' | ')}`);
}

describe('the fast listing in the Web Chat page (Chromium)', () => {
  const { problems, openPage } = useWebChatInChromium();

  async function openListing(declaration: string): Promise<Page> {
    const page = await openPage();
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('Bonjour');
    expect(await seriousViolations(page)).toEqual([]);
    for (const text of ["J'ai un numéro de référence", 'REF-WEB-9', declaration, "aujourd'hui"]) await say(page, text);
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('Listing ouvert');
    return page;
  }

  it('shows the several-workers card, passes axe-core, and reports refused rows by number', { timeout: 90_000 }, async () => {
    const page = await openListing('web-card-0009');
    const card = page.locator('.ac-adaptiveCard').last();
    await card.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Identifiant (Travailleur 1)', { exact: true }).last().fill(niss(1));
    await page.getByLabel('Nom (Travailleur 1)', { exact: true }).last().fill('Van den Broeck');
    await page.getByLabel('Prénom (Travailleur 1)', { exact: true }).last().fill('Jan');
    await page.getByLabel('Identifiant (Travailleur 2)', { exact: true }).last().fill(`${niss(2).slice(0, 9)}00`);
    await page.getByLabel('Nom (Travailleur 2)', { exact: true }).last().fill('Maes');
    await page.getByLabel('Prénom (Travailleur 2)', { exact: true }).last().fill('An');
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-worker-card.png'), fullPage: false });
    await card.getByRole('button', { name: 'Ajouter ces travailleurs' }).click();
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('1 travailleur ajouté (2 lignes lues)');
    const text = await transcriptText(page);
    expect(text).toContain('Rangée 2 : Les chiffres de contrôle');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('takes a crew uploaded as a CSV file with the paper clip', { timeout: 90_000 }, async () => {
    const page = await openListing('web-file-0009');
    const csv = ['NISS;Nom;Prénom', `${niss(3)};Peeters;Jan`, `${niss(4)};El Amrani;Youssef`, `${niss(5)};De Smet;Marie`].join('\r\n');
    await page.locator('input[type="file"]').setInputFiles({ name: 'equipe.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await expect.poll(() => transcriptText(page), { timeout: 20_000 }).toContain('3 travailleurs ajoutés (3 lignes lues). Travailleurs sur le listing : 3.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-upload.png') });
    await say(page, 'liste');
    await expect.poll(() => transcriptText(page), { timeout: 15_000 }).toContain('El Amrani Youssef');
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
