import { isWidgetPage, widgetFrameAncestors, widgetOriginAllowed } from './widget-origins';

describe('widget origins', () => {
  it('frames the widget for the listed sites, any site, or none', () => {
    expect(widgetFrameAncestors(['https://shop.example'])).toEqual(['https://shop.example']);
    expect(widgetFrameAncestors('any')).toEqual(['*']);
    expect(widgetFrameAncestors([])).toEqual(["'none'"]);
  });

  it('allows exactly the listed origins, or any web origin', () => {
    expect(widgetOriginAllowed('https://shop.example', ['https://shop.example'])).toBe(true);
    expect(widgetOriginAllowed('https://shop.example.evil.test', ['https://shop.example'])).toBe(false);
    expect(widgetOriginAllowed('http://shop.example', ['https://shop.example'])).toBe(false);
    expect(widgetOriginAllowed(undefined, 'any')).toBe(false);
    expect(widgetOriginAllowed('null', 'any')).toBe(false);
    expect(widgetOriginAllowed('http://localhost:8081', 'any')).toBe(true);
  });

  it('knows the widget pages from the rest', () => {
    expect(['/widget', '/widget/', '/widget/chat'].every(isWidgetPage)).toBe(true);
    expect(['/', '/widgets', '/widget.js', '/chats/1', '/graphql'].some(isWidgetPage)).toBe(false);
  });
});
