import { forbidden, isStaff, Role, type Viewer } from '@parley/api/core';
import type { ChatRow } from './chat.type';

/** Who may see a chat: agents and admins every chat, a customer their own. */
export function canView(viewer: Viewer, chat: Pick<ChatRow, 'customerId'>): boolean {
  return isStaff(viewer.role) || chat.customerId === viewer.id;
}

export function assertCanView(viewer: Viewer, chat: Pick<ChatRow, 'customerId'>): void {
  if (!canView(viewer, chat)) throw forbidden('You may not see this chat.');
}

/** Sending and typing: the chat's customer, or the agent (or admin) who accepted it. */
export function assertParticipant(viewer: Viewer, chat: Pick<ChatRow, 'customerId' | 'agentId'>): void {
  if (viewer.role === Role.CUSTOMER) {
    if (chat.customerId !== viewer.id) throw forbidden('You may not see this chat.');
    return;
  }
  if (chat.agentId !== viewer.id) throw forbidden('Accept the chat before writing in it.');
}
