import { Init1795604684807 } from './1795604684807-Init';
import { KnowledgeBase1795607395520 } from './1795607395520-KnowledgeBase';
import { Sessions1795607613212 } from './1795607613212-Sessions';
import { AccountAccess1796311970273 } from './1796311970273-AccountAccess';
import { VisitorIdentity1796312059551 } from './1796312059551-VisitorIdentity';
import { Team1796312144680 } from './1796312144680-Team';
import { ArticleFeedback1796316524531 } from './1796316524531-ArticleFeedback';
import { EmailResets1796323562725 } from './1796323562725-EmailResets';
import { Attachments1796323619566 } from './1796323619566-Attachments';
import { Webhooks1796323685311 } from './1796323685311-Webhooks';
import { TeamNotes1796327422183 } from './1796327422183-TeamNotes';
import { WidgetSettings1796327760075 } from './1796327760075-WidgetSettings';
import { ChatActivity1796327784519 } from './1796327784519-ChatActivity';
import { ChatReleases1796336588281 } from './1796336588281-ChatReleases';
import { WebhookSecretSealed1796336899485 } from './1796336899485-WebhookSecretSealed';
import { AttachmentUploaderUnstored1796350672569 } from './1796350672569-AttachmentUploaderUnstored';
import { MessageNotices1796360000000 } from './1796360000000-MessageNotices';

/** Every migration, oldest first. Never edit one that has landed; generate a new one. */
export const migrations = [
  Init1795604684807,
  KnowledgeBase1795607395520,
  Sessions1795607613212,
  AccountAccess1796311970273,
  VisitorIdentity1796312059551,
  Team1796312144680,
  ArticleFeedback1796316524531,
  EmailResets1796323562725,
  Attachments1796323619566,
  Webhooks1796323685311,
  TeamNotes1796327422183,
  WidgetSettings1796327760075,
  ChatActivity1796327784519,
  ChatReleases1796336588281,
  WebhookSecretSealed1796336899485,
  AttachmentUploaderUnstored1796350672569,
  MessageNotices1796360000000,
];
