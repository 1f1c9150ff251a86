import { searchTerms } from './search.store';

describe('searchTerms', () => {
  it('trims words and label, and has nothing to look for when both are blank', () => {
    expect(searchTerms({ query: '  refund ', label: '' })).toEqual({ query: 'refund', label: null });
    expect(searchTerms({ query: '', label: ' vip ' })).toEqual({ query: null, label: 'vip' });
    expect(searchTerms({ query: ' ', label: '  ' })).toBeNull();
  });
});
