import type { MigrationInterface, QueryRunner } from 'typeorm';

// SYSTEM messages say what happened as data too (code and names), for clients to word in their own language.
export class MessageNotices1796360000000 implements MigrationInterface {
  name = 'MessageNotices1796360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" ADD "notice" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "notice"`);
  }
}
