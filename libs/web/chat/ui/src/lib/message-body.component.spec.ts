import { TestBed } from '@angular/core/testing';
import { MessageBodyComponent, SITE_LINKS_IN_NEW_TAB } from './message-body.component';

function render(text: string, markdown = false): HTMLElement {
  const fixture = TestBed.createComponent(MessageBodyComponent);
  fixture.componentRef.setInput('text', text);
  fixture.componentRef.setInput('markdown', markdown);
  fixture.detectChanges();
  return fixture.nativeElement;
}

describe('MessageBodyComponent', () => {
  it('links URLs to open apart from the page, without opener or referrer', () => {
    const el = render('Your parcel: https://track.example/p/123, arriving soon');
    const link = el.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://track.example/p/123');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(el.textContent).toBe('Your parcel: https://track.example/p/123, arriving soon');
  });

  it('shows markup in a message as the text it is', () => {
    const el = render('<img src=x onerror="alert(1)"> <b>hi</b> **not bold**', true);
    expect(el.querySelector('img, b')).toBeNull();
    expect(el.textContent).toBe('<img src=x onerror="alert(1)"> <b>hi</b> not bold');
    expect(el.querySelector('strong')?.textContent).toBe('not bold');
  });

  it('leaves a customer\'s asterisks alone', () => {
    const el = render('**urgent**');
    expect(el.querySelector('strong')).toBeNull();
    expect(el.textContent).toBe('**urgent**');
  });

  it("follows the site's own help articles in place, unless a frame asks for a new tab (the widget)", () => {
    const here = render('See **[Returns](/help/articles/returns-policy)**', true).querySelector('a');
    expect([here?.getAttribute('href'), here?.getAttribute('target')]).toEqual(['/help/articles/returns-policy', null]);

    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [{ provide: SITE_LINKS_IN_NEW_TAB, useValue: true }] });
    const framed = render('See **[Returns](/help/articles/returns-policy)**', true).querySelector('a');
    expect([framed?.getAttribute('href'), framed?.getAttribute('target'), framed?.getAttribute('rel')]).toEqual(['/help/articles/returns-policy', '_blank', 'noopener noreferrer']);
    expect(framed?.textContent).toBe('Returns');
  });
});
