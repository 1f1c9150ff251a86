import '@angular/localize/init';
import { TestBed } from '@angular/core/testing';
import { ComposerComponent } from './composer.component';

function setup(value = '') {
  const fixture = TestBed.createComponent(ComposerComponent);
  fixture.componentRef.setInput('maxLength', 4000);
  fixture.componentRef.setInput('value', value);
  const sent: string[] = [];
  fixture.componentInstance.send.subscribe((text) => sent.push(text));
  fixture.detectChanges();
  const textarea: HTMLTextAreaElement = fixture.nativeElement.querySelector('textarea');
  return { fixture, textarea, sent };
}

const key = (el: HTMLElement, init: KeyboardEventInit) => {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(event);
  return event;
};

describe('ComposerComponent', () => {
  it('has a label and sends on Enter', () => {
    const { fixture, textarea, sent } = setup('Hello');
    expect(fixture.nativeElement.querySelector(`label[for="${textarea.id}"]`)?.textContent).toContain('Message');
    const event = key(textarea, { key: 'Enter' });
    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual(['Hello']);
  });

  it('keeps Shift+Enter for a new line and never sends blank text', () => {
    const { textarea, sent, fixture } = setup('Hello');
    expect(key(textarea, { key: 'Enter', shiftKey: true }).defaultPrevented).toBe(false);
    fixture.componentRef.setInput('value', '   ');
    fixture.detectChanges();
    key(textarea, { key: 'Enter' });
    expect(sent).toEqual([]);
  });

  it('shows how many characters are left near the limit', () => {
    const { fixture, textarea } = setup('x'.repeat(3900));
    expect(textarea.getAttribute('maxlength')).toBe('4000');
    expect(fixture.nativeElement.textContent).toContain('100 characters left');
  });

  it('cannot send while disabled (a closed chat)', () => {
    const { fixture, textarea, sent } = setup('Hello');
    fixture.componentRef.setInput('disabled', true);
    fixture.detectChanges();
    key(textarea, { key: 'Enter' });
    expect(sent).toEqual([]);
    expect(textarea.disabled).toBe(true);
  });

  it('sends files without text once they are uploaded, never while one still uploads, and passes on pasted files', () => {
    const { fixture, textarea, sent } = setup('');
    fixture.componentRef.setInput('attachable', true);
    fixture.componentRef.setInput('files', [{ key: 'f1', name: 'photo.png', state: 'uploading' }]);
    fixture.detectChanges();
    const send: HTMLButtonElement = fixture.nativeElement.querySelector('button[type="submit"]');
    expect(send.disabled).toBe(true);
    key(textarea, { key: 'Enter' });
    expect(sent).toEqual([]);
    fixture.componentRef.setInput('files', [{ key: 'f1', name: 'photo.png', state: 'ready' }]);
    fixture.detectChanges();
    expect(send.disabled).toBe(false);
    key(textarea, { key: 'Enter' });
    expect(sent).toEqual(['']);

    const added: File[][] = [];
    fixture.componentInstance.addFiles.subscribe((files) => added.push(files));
    const paste = new Event('paste', { bubbles: true, cancelable: true }) as ClipboardEvent;
    const file = new File(['x'], 'shot.png', { type: 'image/png' });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [file] } });
    textarea.dispatchEvent(paste);
    expect(added).toEqual([[file]]);
    expect(paste.defaultPrevented).toBe(true);
    expect(fixture.nativeElement.querySelector('button[aria-label="Attach files"]')).not.toBeNull();
  });
});
