/**
 * Turns a customer's words into search terms: their own words, spelling fixed
 * against the knowledge base's vocabulary, plus the help center's words for
 * the same thing (customers say "send back", articles say "return").
 */

import { LinearRegex } from '@parley/api/core';

/** Customers' phrases (lower case) and the words the articles use for them (run by RE2: linear in the text). */
export const SYNONYM_PATTERNS: Array<[RegExp, string]> = [
  [/\b(send|sending|take|bring|give|ship|mail|post)\b(\s+[a-z']+){0,3}\s+back\b/, 'return'],
  [/\bmoney back\b|\breimburs\w*|\bcompensat\w*/, 'refund'],
  [/\b(doesn'?t|don'?t|didn'?t) fit\b|\btoo (small|big|large|tight|loose)\b|\bwrong size\b|\bswap\b|\bdifferent (size|colou?r)\b/, 'exchange size'],
  [/\b(where'?s|where is|wheres)\b.*\b(order|package|parcel|stuff)\b/, 'track order'],
  [/\bparcel\b|\bpackage\b|\bpkg\b|\bshipment\b/, 'order delivery'],
  [/\bnever (arrived|came|showed)|\bhasn'?t (arrived|come)|\bnot (arrived|received|delivered)|\bstill waiting\b|\blost\b|\bstolen\b/, 'arrived missing delivery'],
  [/\bbroken\b|\bbroke\b|\bripped\b|\btorn\b|\bcracked\b|\bsmashed\b|\bdefect\w*|\bfaulty\b|\bhole\b|\bfell apart\b/, 'damaged faulty'],
  [/\bpost(age|al)?\b|\bcourier\b|\bdeliver(y|ies)? (fee|cost|charge)|\bship(ping)? (fee|cost|charge)/, 'shipping cost'],
  [/\bhow long\b|\bhow fast\b|\bwhen will\b.*\b(arrive|get here|come)\b|\bquick(ly|er)?\b|\bexpress\b|\bnext day\b/, 'delivery time express'],
  [/\babroad\b|\boverseas\b|\bcustoms?\b|\bimport (tax|fee)|\bduties\b|\bduty\b|\bother countr\w*|\bcanada\b|\busa\b|\baustralia\b/, 'international customs duties'],
  [/\bcard (was |got )?(refused|rejected|declined|not accepted|doesn'?t work|not working)|\bpayment (failed|fails|refused|rejected|not going through|won'?t go through)|\bwon'?t let me pay\b|\bcan'?t pay\b/, 'payment declined'],
  [/\b(charged|billed|paid|taken) (me )?(twice|two times|double|2 times)|\bdouble (charge|charged|payment)|\bduplicate (charge|payment)/, 'charged twice'],
  [/\bvoucher\b|\bcoupon\b|\bpromo\b|\bpromotion\b|\bcode\b.*\b(work|valid|accepted)/, 'discount code'],
  [/\bgift ?card\b|\bgift ?voucher\b|\bgift certificate\b/, 'gift card'],
  [/\bpay (later|monthly|in parts|in installments|in instalments)|\bklarna\b|\bafterpay\b|\bsplit (the )?payment|\binstall?ments?\b|\bfinanc\w*/, 'instalments'],
  [/\breceipt\b|\btax invoice\b|\bvat\b|\bbill for\b/, 'invoice'],
  [/\bpaypal\b|\bapple pay\b|\bgoogle pay\b|\bcredit card\b|\bdebit card\b|\bamex\b|\bvisa\b|\bmastercard\b|\bways to pay\b/, 'payment methods'],
  [/\bsign ?up\b|\bregister\b|\bregistration\b|\bmake an account\b|\bnew account\b|\bopen an account\b/, 'create account'],
  [/\bforgot\w*\b.*\b(password|login|pass)\b|\bpass ?word\b|\bpw\b|\bcan'?t (log|sign) ?in\b|\blocked out\b|\blog ?in\b|\bsign ?in\b/, 'password reset sign'],
  [/\b(close|remove|erase|cancel|get rid of|delete) (my )?(account|profile)\b|\bforget me\b/, 'delete account'],
  [/\b(new|change|update|different) (e-?mail|email address|phone|name)\b/, 'email account details'],
  [/\bnewsletters?\b|\bspam\b|\bstop (sending|emailing)\b|\bmarketing\b|\bpromotional emails?\b|\bopt ?out\b|\btoo many emails\b/, 'unsubscribe marketing'],
  [/\bgdpr\b|\bmy data\b|\binformation you (have|keep|store)\b|\bpersonal (info|information|details)\b|\bcookies?\b|\bsell my\b|\btracking me\b/, 'personal data privacy'],
  [/\bcheaper\b|\bprice (dropped|drop|went down|match|reduced)|\bon sale\b|\bsale price\b|\bwent on sale\b|\bprice difference\b/, 'price adjustment'],
  [/\bpick ?up\b|\bcollect\b|\bin store\b|\bin person\b|\bshop near\b/, 'collect store'],
  [/\bwrong (item|thing|product|colou?r)\b|\bmissing\b|\bnot what i ordered\b|\bsomething missing\b|\bitems? missing\b|\bincomplete\b/, 'missing wrong items'],
  [/\b(change|edit|modify|cancel|stop)\b.*\border\b|\border\b.*\b(change|edit|modify|cancel|stop)\b|\bmistake\b.*\border\b|\bordered (the )?wrong\b/, 'change cancel order'],
  [/\b(change|wrong|new|update|moved|different)\b.*\baddress\b|\baddress\b.*\b(wrong|change|update|moved)\b/, 'delivery address'],
  [/\bsize (chart|guide)|\bwhat size\b|\bwhich size\b|\bmeasure\w*|\bruns? (small|large|big)\b|\bfit\b/, 'size guide'],
  [/\bphone number\b|\bcall (you|someone)\b|\bopening hours\b|\bcontact\b|\bhours\b|\bemail you\b/, 'contact hours'],
  [/\bhow (do|can) i (buy|order)\b|\bplace an order\b|\bcheckout\b|\bcheck out\b|\bbuy\b.*\bonline\b/, 'place order checkout'],
  [/\blabel\b|\bprint\w*\b|\bprinter\b|\breturn (fee|cost|shipping)\b|\bfree returns?\b/, 'return label'],
  [/\bhow many days\b|\btime limit\b|\bhow long do i have\b|\bdeadline\b|\btoo late\b|\bafter (\d+|a|one|two|three|four) (days?|weeks?|months?)\b/, 'policy days'],
  [/\bhow much\b.*\b(delivery|shipping|postage)\b|\b(delivery|shipping|postage)\b.*\bhow much\b/, 'shipping cost'],
  [/\bwhen\b.*\bmoney back\b|\bmoney back\b.*\bwhen\b/, 'refund when days'],
  [/\bhow long\b.*\brefund|\brefund\b.*\b(yet|still|when|how long|days)\b|\bwhere is my (money|refund)\b/, 'refund when days'],
];

const SYNONYMS = SYNONYM_PATTERNS.map(([pattern, words]) => [new LinearRegex(pattern), words] as const);
const WORDS = new LinearRegex(/[a-z][a-z']*[a-z]|[a-z]/);

const STOP_WORDS = new Set(
  'a about after again all am an and any are as at be been before being but by can could did do does doing for from get got had has have having he her here hi hello hey his how i if in into is it its just me my myself no not of on or our please so some than that the their them then there these they this those thx thanks to too was we were what when where which while who why will with would you your im ive dont cant want need like'.split(
    ' ',
  ),
);

/** Words the spelling fix never touches (customers' words the synonyms already cover). */
const KNOWN_WORDS = new Set(
  'parcel package money back send broken refused declined voucher coupon promo paypal klarna receipt newsletter spam cheaper pickup collect login signin password forgot shoes shoe jacket dress shirt'.split(' '),
);

export interface Vocabulary {
  /** Lower-case words of the knowledge base, with how many articles use each. */
  words: Map<string, number>;
}

/** The search terms for a customer's text, each a plain word (no operators). */
export function rewriteQuery(text: string, vocabulary: Vocabulary): string[] {
  const lower = ` ${text.toLowerCase().replace(/[’`]/g, "'")} `;
  const words = WORDS.matchAll(lower);
  const terms: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/'s$/, '').replace(/'/g, '');
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    terms.push(correctSpelling(word, vocabulary));
  }
  // Synonyms read the corrected text, so "retrun my shoos" still finds "return".
  const corrected = ` ${terms.join(' ')} ${lower} `;
  for (const [pattern, replacement] of SYNONYMS) if (pattern.test(corrected)) terms.push(...replacement.split(' '));
  return [...new Set(terms)];
}

/** The knowledge base's closest word when `word` is not one of them and one is close enough. */
export function correctSpelling(word: string, vocabulary: Vocabulary): string {
  if (word.length < 5 || vocabulary.words.has(word) || KNOWN_WORDS.has(word)) return word;
  // Two edits turn short words into other real words ("weather" into "whether"): only long words get two.
  const allowed = word.length <= 7 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = allowed + 1;
  let bestCount = 0;
  for (const [candidate, count] of vocabulary.words) {
    if (Math.abs(candidate.length - word.length) > allowed || candidate.length < 3) continue;
    const distance = editDistance(word, candidate, allowed);
    if (distance > allowed) continue;
    if (distance < bestDistance || (distance === bestDistance && count > bestCount)) {
      best = candidate;
      bestDistance = distance;
      bestCount = count;
    }
  }
  return best ?? word;
}

/** Optimal string alignment distance (a swap of neighbours counts as one edit), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2][j - 2] + 1);
      rows[i][j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return rowMin;
  }
  return rows[a.length][b.length];
}
