import type { ArticleHitRow } from './article.type';

export interface LanguageModelOptions {
  /** An OpenAI-compatible API root, e.g. https://api.example.com/v1 (POST {baseUrl}/chat/completions). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

const SYSTEM_PROMPT = `You are the help-center assistant of an online shop, answering a customer in a live chat while they wait for an agent.
Answer only from the articles given. Be brief (at most 120 words), friendly and concrete.
Cite the articles you used by their link, e.g. (see /help/articles/ID).
If the articles do not answer the question, say so and that an agent will be with them shortly.`;

/**
 * Asks the model for an answer grounded on `hits`. Resolves to null on any
 * failure or after the timeout: the caller then sends the plain reply.
 */
export async function askLanguageModel(options: LanguageModelOptions, question: string, hits: ArticleHitRow[], link: (id: string) => string): Promise<string | null> {
  const context = hits
    .map((hit, i) => `Article ${i + 1}: "${hit.article.title}" (${link(hit.article.id)})\n${hit.article.body.slice(0, 4000)}`)
    .join('\n\n---\n\n');
  const response = await fetch(`${options.baseUrl.replace(/\/$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: options.model,
      temperature: 0.2,
      max_tokens: 400,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: `Articles:\n\n${context}\n\nCustomer's question: ${question}` },
      ],
    }),
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (!response.ok) throw new Error(`language model answered HTTP ${response.status}`);
  const payload = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
  const content = payload.choices?.[0]?.message?.content;
  return typeof content === 'string' && content.trim() ? content.trim() : null;
}
