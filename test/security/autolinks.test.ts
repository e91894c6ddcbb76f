import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../dialogs/messages.js';
import { createTestConversation } from '../helpers/testBot.js';

/**
 * Issue 13, suspicion: `escapeMarkdown` left autolinks, so a reference number or an evidence note
 * typed by one person could show colleagues a clickable link. Rendered here with the markdown
 * renderer Web Chat itself uses (markdown-it with `linkify`, as in botframework-webchat's
 * renderMarkdown), so "not a link" means what the user would see.
 */
const require = createRequire(`${process.cwd()}/package.json`);
const MarkdownIt = require('markdown-it') as new (options: object) => { renderInline(text: string): string; render(text: string): string };
const webChatMarkdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

const visible = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\u2060/g, '');

describe('values shown to the user never become links', () => {
  it.each([
    'https://evil.example/login',
    'HTTP://EVIL.EXAMPLE',
    'see www.evil.example now',
    'evil.com/login',
    'write to a@evil.com',
    'mailto:a@evil.co',
    '//evil.com/path',
    'ftp://files.evil.org',
    '[click](https://evil.example)',
    '<https://evil.example>',
    'REF https://evil.example REF',
  ])('renders %j as text, reading the same', (value) => {
    const html = webChatMarkdown.render(escapeMarkdown(value));
    expect(html).not.toContain('<a');
    expect(visible(html).trim()).toBe(value.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('leaves ordinary values untouched', () => {
    for (const value of ['REF-2026.11-001', 'Van den Broeck', "D'Hondt", '85.07.30-***.**']) {
      expect(escapeMarkdown(value).replace(/\\/g, '')).toBe(value);
    }
  });

  it('shows a URL-shaped reference number on the listing as text', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('I have a reference number');
    await conversation.sayText('https://evil.example/x');
    await conversation.sayText(`DECL${Date.now().toString(36).toUpperCase()}`);
    const opened = await conversation.sayText('today');
    expect(opened).toContain('Listing open');
    const listed = await conversation.sayText('list');
    expect(webChatMarkdown.render(listed)).not.toContain('<a');
    expect(visible(webChatMarkdown.render(listed))).toContain('https://evil.example/x');
  });
});
