import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayUnique, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { LIMITS } from '@parley/shared/limits';
import { TrimmedLength } from '@parley/api/core';

/** With uploads named, the text may be empty; otherwise it must say something. */
const needsText = (input: { attachmentIds?: string[] | null }, text: unknown) =>
  !input.attachmentIds?.length || typeof text !== 'string' || text.trim() !== '';

const attachmentsMessage = `must name at most ${LIMITS.attachmentsPerMessageMax} uploads, each once`;

/** Uploads (POST /uploads) the message carries: the sender's own, not yet sent. */
function AttachmentIds(): PropertyDecorator {
  return (target, key) => {
    Field(() => [ID], {
      nullable: true,
      description: `Uploads of the sender's own, at most ${LIMITS.attachmentsPerMessageMax}; the body may then be empty.`,
    })(target, key);
    IsOptional()(target, key);
    ArrayMaxSize(LIMITS.attachmentsPerMessageMax, { message: attachmentsMessage })(target, key);
    ArrayUnique(undefined, { message: attachmentsMessage })(target, key);
    IsString({ each: true })(target, key);
  };
}

const clientIdMessage = `must be ${LIMITS.clientMessageIdMin} to ${LIMITS.clientMessageIdMax} characters`;

/** The sender's own id for a message, which makes a retry safe; `description` says what repeating it does here. */
function ClientMessageId(description: string): PropertyDecorator {
  return (target, key) => {
    Field(() => String, { nullable: true, description })(target, key);
    IsOptional()(target, key);
    IsString()(target, key);
    Length(LIMITS.clientMessageIdMin, LIMITS.clientMessageIdMax, { message: clientIdMessage })(target, key);
  };
}

@InputType('StartChatInput')
export class StartChatInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.subjectMax, { message: `must be at most ${LIMITS.subjectMax} characters` })
  subject?: string | null;

  @Field({ description: "The chat's first message (may be empty when it carries attachments)." })
  @ValidateIf((input: StartChatInput) => needsText(input, input.message))
  @IsString()
  @TrimmedLength(LIMITS.messageBodyMin, LIMITS.messageBodyMax)
  message: string;

  @ClientMessageId(
    'As in SendMessageInput: the same customer starting again with the same\nclientMessageId gets the chat already started (a double click opens one chat).',
  )
  clientMessageId?: string | null;

  @AttachmentIds()
  attachmentIds?: string[] | null;
}

@InputType('SendMessageInput')
export class SendMessageInput {
  @Field(() => ID)
  @IsString()
  chatId: string;

  @Field({ description: 'The text (may be empty when the message carries attachments).' })
  @ValidateIf((input: SendMessageInput) => needsText(input, input.body))
  @IsString()
  @TrimmedLength(LIMITS.messageBodyMin, LIMITS.messageBodyMax)
  body: string;

  @ClientMessageId(
    'Chosen by the sender (up to 64 characters). The same sender sending again\nwith the same chatId and clientMessageId gets the message already stored\ninstead of a second one, so a client may retry freely.',
  )
  clientMessageId?: string | null;

  @AttachmentIds()
  attachmentIds?: string[] | null;
}
