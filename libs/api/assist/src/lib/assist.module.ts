import { defineModule, type PubSub } from '@parley/api/core';
import { CHAT_SERVICE } from '@parley/api/chat';
import { ArticleEntity } from './article.entity';
import { ArticleFeedbackEntity } from './article-feedback.entity';
import { ArticleFeedbackService } from './article-feedback.service';
import { ArticleList } from './article-list';
import { ArticleResolver } from './article.resolver';
import { ArticleService } from './article.service';
import { AssistResolver } from './assist.resolver';
import { BotService } from './bot.service';
import { ASSIST_TOPICS, KnownArticles, type AssistTopics } from './known-articles';
import { readArticleFolder, starterKnowledgeBaseFolder } from './knowledge-files';

/** The knowledge base, and the bot that answers waiting customers from it. Built on the chat module (listed before it). */
export const assistModule = defineModule({
  name: 'assist',
  entities: [ArticleEntity, ArticleFeedbackEntity],
  resolvers: [ArticleResolver, AssistResolver],
  topics: ASSIST_TOPICS,
  create({ config, dataSource, logger, services, pubsub }) {
    const chats = services.get(CHAT_SERVICE);
    // With no article there is no bot: a new chat needs a person at once. Read once per instance, forgotten on every change anywhere.
    const known: KnownArticles = new KnownArticles(() => articles.hasArticles(), pubsub as PubSub<AssistTopics>);
    const articles: ArticleService = new ArticleService(dataSource, () => known.changed());
    chats.hooks.useBot(() => known.has());
    return {
      resolvers: [new ArticleResolver(articles, new ArticleFeedbackService(dataSource), new ArticleList(dataSource)), new AssistResolver(chats)],
      async start() {
        if (config.seedDemo) {
          const seeded = await articles.seedIfEmpty(() => readArticleFolder(starterKnowledgeBaseFolder()));
          if (seeded) logger.info({ articles: seeded }, 'starter knowledge base loaded');
        }
        await known.ready();
        new BotService(chats, articles, { languageModel: config.llm, logger }).attach();
      },
      async stop() {
        known.close();
      },
    };
  },
});
