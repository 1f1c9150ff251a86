import { describeTranslations, jsonTranslations } from '@parley/web/shared/util/testing';

// The site's locale files (apps/web/public/i18n) against its extracted source (apps/web/src/locale/messages.json).
describeTranslations(jsonTranslations('apps/web'), {
  app: 'the site',
  files: ['ar.json', 'fr.json'],
  localeOf: (file) => file.replace(/\.json$/, ''),
  entry: 'apps/web/src/main.ts',
  sameAsSource: ['chat.composer.label', 'chat.role.support', 'site.list.heading', 'site.conversation.title', 'site.pageTitle.conversation', 'chat.messages', 'site.announce.bot', 'site.conversation.pageTitle'],
});
