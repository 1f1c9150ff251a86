import { Field, ID, InputType } from 'type-graphql';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { LIMITS } from '@parley/shared/limits';
import { TrimmedLength } from '@parley/api/core';

const clientIdMessage = `must be ${LIMITS.clientMessageIdMin} to ${LIMITS.clientMessageIdMax} characters`;

@InputType('StartChatInput')
export class StartChatInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.subjectMax, { message: `must be at most ${LIMITS.subjectMax} characters` })
  subject?: string | null;

  @Field({ description: "The chat's first message." })
  @IsString()
  @TrimmedLength(LIMITS.messageBodyMin, LIMITS.messageBodyMax)
  message: string;

  @Field(() => String, {
    nullable: true,
    description:
      'As in SendMessageInput: the same customer starting again with the same\nclientMessageId gets the chat already started (a double click opens one chat).',
  })
  @IsOptional()
  @IsString()
  @Length(LIMITS.clientMessageIdMin, LIMITS.clientMessageIdMax, { message: clientIdMessage })
  clientMessageId?: string | null;
}

@InputType('SendMessageInput')
export class SendMessageInput {
  @Field(() => ID)
  @IsString()
  chatId: string;

  @Field()
  @IsString()
  @TrimmedLength(LIMITS.messageBodyMin, LIMITS.messageBodyMax)
  body: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Chosen by the sender (up to 64 characters). The same sender sending again\nwith the same chatId and clientMessageId gets the message already stored\ninstead of a second one, so a client may retry freely.',
  })
  @IsOptional()
  @IsString()
  @Length(LIMITS.clientMessageIdMin, LIMITS.clientMessageIdMax, { message: clientIdMessage })
  clientMessageId?: string | null;
}
