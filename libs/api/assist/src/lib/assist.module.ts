import { defineModule } from '@parley/api/core';
import { CHAT_SERVICE } from '@parley/api/chat';
import { ArticleEntity } from './article.entity';
import { ArticleFeedbackEntity } from './article-feedback.entity';
import { ArticleFeedbackService } from './article-feedback.service';
import { ArticleList } from './article-list';
import { ArticleResolver } from './article.resolver';
import { ArticleService } from './article.service';
import { AssistResolver } from './assist.resolver';
import { BotService } from './bot.service';
import { readArticleFolder, starterKnowledgeBaseFolder } from './knowledge-files';

/** The knowledge base, and the bot that answers waiting customers from it. Built on the chat module (listed before it). */
export const assistModule = defineModule({
  name: 'assist',
  entities: [ArticleEntity, ArticleFeedbackEntity],
  resolvers: [ArticleResolver, AssistResolver],
  topics: [],
  create({ config, dataSource, logger, services }) {
    const chats = services.get(CHAT_SERVICE);
    const articles = new ArticleService(dataSource);
    // With no article there is no bot: a new chat needs a person at once (one indexed look at every start).
    chats.useBot(() => articles.hasArticles());
    return {
      resolvers: [new ArticleResolver(articles, new ArticleFeedbackService(dataSource), new ArticleList(dataSource)), new AssistResolver(chats)],
      async start() {
        if (config.seedDemo) {
          const seeded = await articles.seedIfEmpty(() => readArticleFolder(starterKnowledgeBaseFolder()));
          if (seeded) logger.info({ articles: seeded }, 'starter knowledge base loaded');
        }
        new BotService(chats, articles, { languageModel: config.llm, logger }).attach();
      },
    };
  },
});
