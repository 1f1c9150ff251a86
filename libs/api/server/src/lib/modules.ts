import type { ApiModule } from '@parley/api/core';
import { authModule } from '@parley/api/auth';
import { chatModule } from '@parley/api/chat';
import { assistModule } from '@parley/api/assist';
import { visitorModule } from '@parley/api/visitor';
import { jobsModule } from '@parley/api/jobs';
import { attachmentsModule } from '@parley/api/attachments';
import { emailModule } from '@parley/api/email';
import { integrationsModule } from '@parley/api/integrations';
import { teamModule } from '@parley/api/team';

/**
 * Every API domain, in the order they are made and started (a module may use
 * the services of those before it). A new domain is its lib and one line here.
 */
export const MODULES: readonly ApiModule[] = [jobsModule, authModule, visitorModule, chatModule, assistModule, attachmentsModule, teamModule, emailModule, integrationsModule];

/** Every table the modules map. */
export const ENTITIES = MODULES.flatMap((module) => module.entities);
