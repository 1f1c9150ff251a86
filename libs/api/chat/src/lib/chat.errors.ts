import { AppError, conflict, temporarilyUnavailable } from '@parley/api/core';

export const chatClosed = () => new AppError('CHAT_CLOSED', 'This chat is closed.');
export const alreadyAccepted = () => conflict('Another agent has already accepted this chat.');
export const databaseUnavailable = () => temporarilyUnavailable('The message store');
