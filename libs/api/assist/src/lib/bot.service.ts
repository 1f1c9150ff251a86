import { LinearRegex } from '@parley/api/core';
import { ChatStatus, MessageKind, MessageNoticeCode, type ChatRow, type ChatService, type MessageRow } from '@parley/api/chat';
import type { ArticleService } from './article.service';
import type { ArticleHitRow } from './article.type';
import { askLanguageModel, type LanguageModelOptions } from './llm';

export interface BotLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface BotOptions {
  /** Set when a language model writes the answers. */
  languageModel?: LanguageModelOptions;
  logger: BotLogger;
}

/** Articles shown in one reply. */
const REPLY_ARTICLES = 3;
/**
 * Below this score the best article is a weak match (one common word in the
 * body), and an honest "not found" serves the customer better. Tuned with
 * `npm run kb:eval`, which also asks questions the shop cannot answer.
 */
const MIN_SCORE = 0.25;
/** Articles far below the best one are noise. */
const RELATIVE_FLOOR = 0.5;

/** The hits good enough to show a customer: none when even the best is weak. */
export function confidentHits(hits: ArticleHitRow[]): ArticleHitRow[] {
  if (!hits.length || hits[0].score < MIN_SCORE) return [];
  return hits.filter((hit) => hit.score >= hits[0].score * RELATIVE_FLOOR);
}

/** A customer asking for a person, in the words they use. */
export const WANTS_PERSON_PATTERN =
  /\b(human|humans|agent|agents|person|real people|a real one|someone|somebody|representative|operator|staff member|employee|live support|support team)\b|\b(talk|speak|chat)\s+(to|with)\s+(a|an|some|your|the)?\s*(one|body|man|woman|guy|team|support)\b/i;

const WANTS_PERSON = new LinearRegex(WANTS_PERSON_PATTERN);

export const articleLink = (id: string) => `/help/articles/${id}`;

/** True when the customer's message asks for a person rather than an answer. */
export function wantsPerson(text: string): boolean {
  return WANTS_PERSON.test(text);
}

/**
 * Answers customers from the knowledge base while their chat waits in the
 * queue (when there is a knowledge base: with no article at all it stays silent). It never blocks or fails a send: it runs after the message is
 * stored, and the chat service stores a reply only while the bot is still on.
 */
export class BotService {
  constructor(
    private readonly chats: ChatService,
    private readonly articles: ArticleService,
    private readonly options: BotOptions,
  ) {}

  /** Registers the bot for every customer message. */
  attach(): void {
    this.chats.hooks.onCustomerMessage((message, chat) => this.handle(message, chat));
  }

  async handle(message: MessageRow, known?: Pick<ChatRow, 'status' | 'botActive'>): Promise<void> {
    if (message.kind !== MessageKind.CUSTOMER) return;
    // Most messages go to chats an agent already has: no query at all for those.
    if (known && (known.status !== ChatStatus.QUEUED || !known.botActive)) return;
    try {
      const chat = await this.chats.findChat(message.chatId);
      if (!chat || chat.status !== ChatStatus.QUEUED || !chat.botActive) return;
      // A service without a knowledge base has no bot: nothing to answer from.
      if (!(await this.articles.hasArticles())) return;
      if (wantsPerson(message.body)) {
        await this.chats.stopBot(chat.id, { code: MessageNoticeCode.BOT_HANDED_OVER, ...(await this.chats.handover.wait()) });
        return;
      }
      const reply = await this.reply(message.body, chat.id);
      await this.chats.appendBotMessage(chat.id, reply);
    } catch (error) {
      this.options.logger.error({ err: error, chatId: message.chatId }, 'the bot could not answer');
    }
  }

  private async reply(question: string, chatId: string): Promise<string> {
    const hits = confidentHits(await this.articles.search(question.slice(0, 200), { first: REPLY_ARTICLES }));
    if (!hits.length) {
      const place = await this.chats.queuePosition(chatId);
      return (
        `I couldn't find an answer to that in our help center; ${await this.chats.handover.words()}.` +
        (place ? ` You are number ${place} in the queue.` : '')
      );
    }
    const model = this.options.languageModel;
    if (model) {
      try {
        const answer = await askLanguageModel(model, question, hits, articleLink);
        if (answer) return answer;
      } catch (error) {
        this.options.logger.warn({ err: error, chatId }, 'the language model did not answer; sending the plain reply');
      }
    }
    return plainReply(hits);
  }
}

/** The articles, each with its snippet and link, and how to reach a person. */
export function plainReply(hits: ArticleHitRow[]): string {
  const lines = hits.map((hit) => `• ${hit.article.title}: ${hit.snippet} ${articleLink(hit.article.id)}`);
  return [
    hits.length === 1 ? 'This article from our help center may answer your question:' : 'These articles from our help center may answer your question:',
    ...lines,
    'If not, write "agent" and a person will take over.',
  ].join('\n');
}
