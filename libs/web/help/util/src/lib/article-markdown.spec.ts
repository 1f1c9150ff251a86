import { renderArticleMarkdown } from './article-markdown';

/** The rendered HTML as a document fragment, to ask what it holds. */
const render = (markdown: string) => {
  const template = document.createElement('template');
  template.innerHTML = renderArticleMarkdown(markdown);
  return template.content;
};

describe('renderArticleMarkdown', () => {
  it('renders ordinary markdown: headings, lists, emphasis, code and links', () => {
    const html = render('## Returns\n\n- **Free** within *30 days*\n- see [the policy](https://shop.example/returns) or [tracking](/help/articles/abc)\n\n`code`');
    expect(html.querySelector('h2')?.textContent).toBe('Returns');
    expect(html.querySelectorAll('li')).toHaveLength(2);
    expect(html.querySelector('strong')?.textContent).toBe('Free');
    const [external, internal] = Array.from(html.querySelectorAll('a'));
    expect(external.getAttribute('href')).toBe('https://shop.example/returns');
    expect(external.getAttribute('rel')).toBe('noopener noreferrer');
    expect(internal.getAttribute('href')).toBe('/help/articles/abc');
    expect(internal.getAttribute('target')).toBeNull();
  });

  it('drops scripts, event handlers, frames, styles and forms written in the article', () => {
    const html = render(
      'Hi <script>alert(1)</script><img src="x" onerror="alert(2)"><iframe src="https://evil.example"></iframe>' +
        '<a href="https://ok.example" onclick="alert(3)" style="position:fixed">ok</a><form action="https://evil.example"><input name="p"></form>' +
        '<svg><script>alert(4)</script></svg><style>body{display:none}</style>',
    );
    expect(html.querySelectorAll('script, iframe, form, input, svg, style')).toHaveLength(0);
    for (const el of Array.from(html.querySelectorAll('*'))) {
      expect(Array.from(el.attributes).filter((a) => a.name.startsWith('on') || a.name === 'style')).toEqual([]);
    }
    expect(html.querySelector('a')?.getAttribute('href')).toBe('https://ok.example');
  });

  it('keeps links and images to http(s) and this site only', () => {
    for (const target of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', ' javascript:alert(1)']) {
      const html = render(`[x](${target}) ![y](${target}) <a href="${target}">z</a>`);
      for (const el of Array.from(html.querySelectorAll('[href], [src]'))) {
        const value = el.getAttribute('href') ?? el.getAttribute('src') ?? '';
        expect(value).toMatch(/^(https?:|\/|#|\.{1,2}\/|[^:]*$)/i);
      }
    }
  });
});
