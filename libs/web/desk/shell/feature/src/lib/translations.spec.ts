import { describeTranslations, xliffTranslations } from '@parley/web/shared/util/testing';

// The desk's French (apps/desk/src/locale/messages.fr.xlf) against its extracted source (messages.xlf, `npm run i18n:desk`).
describeTranslations(xliffTranslations('apps/desk'), {
  app: 'the desk',
  files: ['messages.fr.xlf'],
  localeOf: (file) => file.replace(/^messages\.(.+)\.xlf$/, '$1'),
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
