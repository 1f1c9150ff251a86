import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { Arg, Authorized, Field, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { IsBoolean, IsOptional } from 'class-validator';
import { Public, Role } from '@parley/api/core';
import type { VisitorService } from './visitor.service';

/** What the website widget asks before a visitor's first message: one row (id 1); no row means nothing. */
@Entity('widget_settings')
@Check('CHK_widget_settings_single_row', 'id = 1')
export class WidgetSettingsEntity {
  @PrimaryColumn('integer')
  id: number;

  @Column('boolean', { default: false })
  askName: boolean;

  @Column('boolean', { default: false })
  askEmail: boolean;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}

@ObjectType('WidgetSettings', { description: 'What the website widget asks a visitor before their first message (each optional for the visitor).' })
export class WidgetSettings {
  @Field({ description: 'Offer a name field before the first message.' })
  askName: boolean;

  @Field({ description: 'Offer an email field before the first message (never verified).' })
  askEmail: boolean;
}

@InputType('WidgetSettingsInput')
export class WidgetSettingsInput {
  @Field(() => Boolean, { nullable: true, description: 'Unchanged when absent.' })
  @IsOptional()
  @IsBoolean()
  askName?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Unchanged when absent.' })
  @IsOptional()
  @IsBoolean()
  askEmail?: boolean | null;
}

@Resolver()
export class WidgetSettingsResolver {
  constructor(private readonly visitors: VisitorService) {}

  @Public()
  @Query(() => WidgetSettings, { description: 'Anyone: what the website widget asks before the first message.' })
  widgetSettings(): Promise<WidgetSettings> {
    return this.visitors.widgetSettings();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WidgetSettings, { description: 'Admins: turns the widget\'s pre-chat fields on or off.' })
  updateWidgetSettings(@Arg('input', () => WidgetSettingsInput) input: WidgetSettingsInput): Promise<WidgetSettings> {
    return this.visitors.updateWidgetSettings(input);
  }
}
