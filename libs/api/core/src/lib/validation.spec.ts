import { codePointLength, rejectNulCharacters } from './validation';

describe('codePointLength', () => {
  it('counts what the spread of a string counts, surrogate pairs as one and lone surrogates as one', () => {
    const samples = ['', 'a', 'héllo', '👋', 'a👋b', '👨‍👩‍👧', '\ud800', '\udc00', 'x\ud800', '\ud800\ud800\udc00', '\udc00\ud800', '𝒜𝒝'];
    // Random strings drawn from ASCII, BMP letters, high and low surrogates.
    const units = [0x61, 0xe9, 0x4e2d, 0xd83d, 0xdc4b, 0xd800, 0xdfff];
    let seed = 7;
    for (let n = 0; n < 500; n++) {
      let text = '';
      for (let i = 0; i < n % 12; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        text += String.fromCharCode(units[seed % units.length]);
      }
      samples.push(text);
    }
    for (const text of samples) expect([text, codePointLength(text)]).toEqual([text, [...text].length]);
  });
});

describe('rejectNulCharacters', () => {
  it('names every argument holding NUL, however deep', () => {
    expect(() => rejectNulCharacters({ input: { body: 'ok', list: ['a', 'b\u0000'] }, name: '\u0000' })).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: 'BAD_USER_INPUT',
          fields: [
            { field: 'input.list.1', message: 'must not contain the NUL character', reason: 'nulCharacter' },
            { field: 'name', message: 'must not contain the NUL character', reason: 'nulCharacter' },
          ],
        }),
      }),
    );
    expect(() => rejectNulCharacters({ input: { body: 'fine' } })).not.toThrow();
  });
});
