import { describeTranslations, jsonTranslations } from '@parley/web/shared/util/testing';

// The desk's locale files (apps/desk/public/i18n) against its extracted source (apps/desk/src/locale/messages.json, `npm run i18n:desk`).
describeTranslations(jsonTranslations('apps/desk'), {
  app: 'the desk',
  files: ['ar.json', 'fr.json'],
  localeOf: (file) => file.replace(/\.json$/, ''),
  entry: 'apps/desk/src/main.ts',
  // the same words in French
  sameAsSource: [
    'chat.composer.label',
    'chat.role.support',
    'chat.messages',
    'desk.messages',
    'site.announce.bot',
    'desk.admin.agents',
    'desk.keys.action',
    'desk.title.articles',
    'desk.adminNav.label',
    'desk.adminNav.articles',
    'desk.articles.count',
    'desk.articles.actions',
    'desk.feedback.article',
    'desk.reports.agent',
    'desk.reports.minutesAxis',
    'desk.title.webhooks',
    'desk.adminNav.webhooks',
    'desk.webhooks.heading',
    'desk.webhooks.colId',
  ],
});
