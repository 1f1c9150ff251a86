import { refusedInput } from '@parley/web/shared/data-access/testing';
import { describeWebhookError, webhookFieldProblems } from './webhook-problems';

describe('webhookFieldProblems', () => {
  it("words the API's reasons as the screen's own sentences", () => {
    expect(webhookFieldProblems(refusedInput({ url: 'is not a URL', events: 'must name at least one of …' }, { url: 'notUrl', events: 'none' }))).toEqual({
      url: 'This is not a URL. Write it in full, like https://example.com/parley.',
      events: 'Choose at least one event.',
    });
  });

  it("keeps the API's words for a reason it does not know, or none", () => {
    expect(webhookFieldProblems(refusedInput({ url: 'is somehow wrong', events: 'are odd' }, { url: 'brandNew' }))).toEqual({
      url: 'The URL is somehow wrong',
      events: 'Events: are odd',
    });
  });
});

describe('describeWebhookError', () => {
  it('says a webhook is gone, and leaves other codes to the desk-wide wording', () => {
    expect(describeWebhookError({ ...refusedInput({}), code: 'NOT_FOUND' })).toContain('no longer exists');
    expect(describeWebhookError({ ...refusedInput({}), code: 'FORBIDDEN' })).toBe("You don't have access to this.");
  });
});
