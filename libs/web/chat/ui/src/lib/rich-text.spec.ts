import { richText, safeHref } from './rich-text';

describe('richText', () => {
  it('links http and https URLs, leaving trailing punctuation to the sentence', () => {
    expect(richText('Track it at https://track.example/a?b=1&c=(2). Thanks!')).toEqual([
      { text: 'Track it at ' },
      { text: 'https://track.example/a?b=1&c=(2', href: 'https://track.example/a?b=1&c=(2' },
      { text: '). Thanks!' },
    ]);
    expect(richText('see http://x.example')).toEqual([{ text: 'see ' }, { text: 'http://x.example', href: 'http://x.example/' }]);
  });

  it('never makes a link of another scheme, and never reads markup', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '<a href="https://x.example">x</a>', 'ftp://files.example/x', 'vbscript:x']) {
      const pieces = richText(text, true);
      expect(pieces.filter((p) => p.href && !p.href.startsWith('https://x.example'))).toEqual([]);
      expect(pieces.map((p) => p.text).join('')).toContain(text.replace(/<[^>]*>/g, '').slice(0, 3));
    }
    expect(richText('[click](javascript:alert(1))', true).some((p) => p.href)).toBe(false);
    expect(safeHref('//evil.example/x')).toBeNull();
    expect(safeHref('/help/articles/abc')).toBeNull();
  });

  it("links the site's help-article paths, as the bot cites them, and no other path", () => {
    const id = '0b6f6a3e-2f7c-4c1e-9a57-3d2c1b0a9f8e';
    expect(richText(`• Returns: send it back. /help/articles/${id}`, true)).toEqual([
      { text: '• Returns: send it back. ' },
      { text: `/help/articles/${id}`, href: `/help/articles/${id}`, internal: true },
    ]);
    expect(richText(`see [How to return](/help/articles/${id}).`, true)).toEqual([
      { text: 'see ' },
      { text: 'How to return', href: `/help/articles/${id}`, internal: true },
      { text: '.' },
    ]);
    expect(richText(`(see /help/articles/${id})`)).toEqual([{ text: '(see ' }, { text: `/help/articles/${id}`, href: `/help/articles/${id}`, internal: true }, { text: ')' }]);
    for (const text of ['/chats/abc', '[x](/chats/abc)', 'https://evil.example/help/articles/abc', '//evil.example/help/articles/abc', 'x/help/articles/abc', '/help/articles/abc/../../chats']) {
      expect(richText(text, true).filter((p) => p.internal)).toEqual([]);
    }
  });

  it('reads **bold** and [label](url) in bot answers only', () => {
    expect(richText('**Returns**: see [the policy](https://shop.example/returns) or **https://shop.example/faq**.', true)).toEqual([
      { text: 'Returns', strong: true },
      { text: ': see ' },
      { text: 'the policy', href: 'https://shop.example/returns' },
      { text: ' or ' },
      { text: 'https://shop.example/faq', href: 'https://shop.example/faq', strong: true },
      { text: '.' },
    ]);
    expect(richText('**not bold** [x](https://a.example)')).toEqual([
      { text: '**not bold** [x](' },
      { text: 'https://a.example', href: 'https://a.example/' },
      { text: ')' },
    ]);
  });

  it('keeps every character of the text, in order', () => {
    const text = 'a **b** https://c.example/d, [e](https://f.example) /help/articles/g h';
    expect(richText(text).map((p) => p.text).join('')).toBe(text);
  });
});
