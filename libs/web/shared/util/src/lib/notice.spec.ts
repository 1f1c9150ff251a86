import { loadTranslations, clearTranslations } from '@angular/localize';
import { noticeText } from '../index';

const sent = (code: string, fields: Record<string, string> = {}) => ({ body: 'the server sentence', notice: { code, ...fields } });

describe('the words of a SYSTEM message', () => {
  it('says each notice in English with its names', () => {
    expect(noticeText(sent('JOINED', { name: 'Sami Haddad' }))).toBe('Sami Haddad joined the chat.');
    expect(noticeText(sent('CLOSED', { by: 'Casey' }))).toBe('Chat closed by Casey.');
    expect(noticeText(sent('TRANSFERRED', { by: 'Alex', to: 'Sam' }))).toBe('Alex transferred the chat to Sam.');
    expect(noticeText(sent('TOOK_OVER', { name: 'Ada' }))).toBe('Ada took over the chat.');
    expect(noticeText(sent('RETURNED_TO_QUEUE', { by: 'Alex' }))).toBe('Alex put the chat back in the queue; another agent will be with you shortly.');
    expect(noticeText(sent('MOVED_TO_QUEUE', { by: 'Ada', from: 'Sam' }))).toBe('Ada moved the chat from Sam back to the queue; another agent will be with you shortly.');
    expect(noticeText(sent('AGENT_UNAVAILABLE', { name: 'Dana' }))).toBe('Dana is no longer available; another agent will be with you shortly.');
    expect(noticeText(sent('PERSON_REQUESTED', { wait: 'SHORTLY' }))).toBe('An agent will be with you shortly. The assistant has stopped answering.');
    expect(noticeText(sent('PERSON_REQUESTED', { wait: 'NOBODY_ONLINE' }))).toBe(
      'Nobody from our team is online right now; an agent will answer as soon as one is back. The assistant has stopped answering.',
    );
    expect(noticeText(sent('BOT_HANDED_OVER', { wait: 'AWAY' }))).toBe('You asked for a person. Our team is away at the moment; an agent will answer when it is back.');
    // Friday 2026-12-04 19:00 in Paris: back on Monday at 9:00, in the team's time zone.
    expect(noticeText(sent('BOT_HANDED_OVER', { wait: 'AWAY_UNTIL', opensAt: '2026-12-07T08:00:00.000Z', timeZone: 'Europe/Paris' }), 'en-US')).toBe(
      'You asked for a person. Our team is away until Monday 9:00 AM (Europe/Paris); an agent will answer then.',
    );
  });

  it('keeps the body when there is no notice or its code is unknown', () => {
    expect(noticeText({ body: 'Alex joined the chat.', notice: null })).toBe('Alex joined the chat.');
    expect(noticeText({ body: 'Alex joined the chat.' })).toBe('Alex joined the chat.');
    expect(noticeText(sent('SOMETHING_NEWER', { name: 'Alex' }))).toBe('the server sentence');
  });

  it('follows the loaded translations, names in their placeholders', () => {
    loadTranslations({ 'notice.joined': '{$name} a rejoint la conversation.' });
    try {
      expect(noticeText(sent('JOINED', { name: 'Sami Haddad' }))).toBe('Sami Haddad a rejoint la conversation.');
    } finally {
      clearTranslations();
    }
  });
});
