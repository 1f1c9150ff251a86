import { AppError, conflict, temporarilyUnavailable } from '@parley/api/core';
import { isConnectionError } from '@parley/api/database';

export const chatClosed = () => new AppError('CHAT_CLOSED', 'This chat is closed.');
export const alreadyAccepted = () => conflict('Another agent has already accepted this chat.');
export const databaseUnavailable = () => temporarilyUnavailable('The message store');

/** Writes fail with a clear, retryable error while the database is unreachable. */
export async function writing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error)) throw databaseUnavailable();
    throw error;
  }
}
