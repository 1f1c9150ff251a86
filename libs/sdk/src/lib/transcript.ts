import type { SdkChatFragment, SdkMessageFragment } from '../generated/graphql.js';

/**
 * A chat as plain text: a header, then one entry per message in seq order,
 * time-stamped in UTC. Plain text rather than PDF: it opens anywhere, reads
 * well with a screen reader, pastes into a ticket or an email, and needs no
 * fonts or layout engine in the client.
 */
export function formatTranscript(chat: SdkChatFragment, messages: readonly SdkMessageFragment[]): string {
  const header = [
    `Chat ${chat.id}`,
    ...(chat.subject ? [`Subject: ${chat.subject}`] : []),
    `Customer: ${chat.customer.displayName}`,
    ...(chat.agent ? [`Agent: ${chat.agent.displayName}`] : []),
    `Opened: ${utc(chat.createdAt)}`,
    ...(chat.closedAt ? [`Closed: ${utc(chat.closedAt)}`] : []),
    `Status: ${chat.status}`,
  ];
  const entries = messages.map((message) => {
    const [first, ...rest] = message.body.split(/\r?\n/);
    // Continuation lines are indented, so a line of a body never looks like a new entry.
    return [`[${utc(message.createdAt)}] #${message.seq} ${who(message)}: ${first}`, ...rest.map((line) => `    ${line}`)].join('\n');
  });
  return `${header.join('\n')}\n\n${entries.join('\n')}\n`;
}

function who(message: SdkMessageFragment): string {
  if (message.kind === 'SYSTEM') return 'Parley';
  if (message.kind === 'BOT') return 'Bot';
  return message.sender?.displayName ?? message.kind.toLowerCase();
}

const utc = (iso: string) => `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
