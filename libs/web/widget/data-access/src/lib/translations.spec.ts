import { describeTranslations, jsonTranslations } from '@parley/web/shared/util/testing';

// The widget's locale files (apps/widget/public/i18n) against its extracted source (apps/widget/src/locale/messages.json).
describeTranslations(jsonTranslations('apps/widget'), {
  app: 'the widget',
  files: ['ar.json', 'fr.json'],
  localeOf: (file) => file.replace(/\.json$/, ''),
  entry: 'apps/widget/src/main.ts',
  sameAsSource: ['chat.composer.label', 'chat.role.support', 'widget.documentTitle', 'chat.messages', 'site.announce.bot'],
});
