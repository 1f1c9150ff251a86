import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, IsString, Length } from 'class-validator';
import { TrimmedLength } from '@parley/api/core';

export const ARTICLE_LIMITS = {
  titleMax: 200,
  bodyMax: 20_000,
  tagsMax: 20,
  tagMax: 40,
  queryMax: 200,
  firstMax: 20,
  firstDefault: 5,
} as const;

@InputType('ArticleInput')
export class ArticleInput {
  @Field({ description: `1 to ${ARTICLE_LIMITS.titleMax} characters.` })
  @IsString()
  @TrimmedLength(1, ARTICLE_LIMITS.titleMax)
  title: string;

  @Field({ description: `Markdown, 1 to ${ARTICLE_LIMITS.bodyMax} characters.` })
  @IsString()
  @TrimmedLength(1, ARTICLE_LIMITS.bodyMax)
  body: string;

  @Field(() => [String], {
    nullable: true,
    description: `Up to ${ARTICLE_LIMITS.tagsMax} tags of 1 to ${ARTICLE_LIMITS.tagMax} characters; stored in lower case.`,
  })
  @IsOptional()
  @ArrayMaxSize(ARTICLE_LIMITS.tagsMax, { message: `must have at most ${ARTICLE_LIMITS.tagsMax} tags` })
  @IsString({ each: true })
  @Length(1, ARTICLE_LIMITS.tagMax, { each: true, message: `each tag must be 1 to ${ARTICLE_LIMITS.tagMax} characters` })
  tags?: string[] | null;
}
