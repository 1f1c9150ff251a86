import { FieldResolver, Resolver, Root } from 'type-graphql';
import { mayHaveFiles, Message, type MessageRow } from '@parley/api/chat';
import { AttachmentService } from './attachment.service';
import { Attachment, toAttachment } from './attachment.type';

/** Message.attachments: whoever can see the message can see its files' details (the files themselves: GET /uploads/:id). */
@Resolver(() => Message)
export class MessageAttachmentsResolver {
  constructor(private readonly service: AttachmentService) {}

  @FieldResolver(() => [Attachment], { description: 'Files sent with the message, in the order they were named.' })
  async attachments(@Root() message: MessageRow): Promise<Attachment[]> {
    // A SYSTEM or BOT message, or one an event carries as sent without files: nothing to read.
    if (!mayHaveFiles(message)) return [];
    return (await this.service.forMessage(message)).map(toAttachment);
  }
}
