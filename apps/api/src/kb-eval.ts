import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createDataSource, runMigrations } from '@parley/api/database';
import { ArticleService, confidentHits, readArticleFolder, starterKnowledgeBaseFolder } from '@parley/api/assist';
import { ENTITIES } from '@parley/api/server';

/**
 * Measures the knowledge-base search on the labelled customer questions:
 * precision@1 (the best hit is the right article) and recall@3 (the right
 * article is among the first three). Loads the starter base into a scratch
 * database (KB_EVAL_DATABASE_URL or 127.0.0.1:5432) and drops it afterwards.
 * It also counts how often the bot would offer articles: for the labelled
 * questions, and for questions the shop's help center cannot answer.
 * Exits 1 below the goals (precision@1 0.7, recall@3 0.85).
 */
const GOALS = { precisionAt1: 0.7, recallAt3: 0.85 };

async function main() {
  const labelled = JSON.parse(readFileSync(resolve('libs/api/assist/eval/questions.json'), 'utf8')) as {
    answerable: Array<{ question: string; answer: string }>;
    outOfScope: string[];
  };
  const questions = labelled.answerable;
  const adminUrl = process.env['KB_EVAL_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scratch = `parley_kb_eval_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  const url = new URL(adminUrl);
  url.pathname = `/${scratch}`;
  const dataSource = createDataSource({ url: url.toString(), entities: ENTITIES, poolSize: 2 });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const articles = new ArticleService(dataSource);
    const files = readArticleFolder(starterKnowledgeBaseFolder());
    await articles.importArticles(files);
    const slugs = new Map<string, string>();
    for (const row of await dataSource.query(`SELECT id, slug FROM articles`)) slugs.set(row.id, row.slug);
    let botAnswered = 0;
    let top1 = 0;
    let top3 = 0;
    const misses: string[] = [];
    const verbose = process.argv.includes('--verbose');
    for (const { question, answer } of questions) {
      const found = await articles.search(question, { first: 3 });
      const hits = found.map((hit) => slugs.get(hit.article.id));
      if (verbose) console.log(`${(found[0]?.score ?? 0).toFixed(3)} ${hits[0] === answer ? 'ok  ' : 'MISS'} ${question} -> ${hits.join(', ')}`);
      if (confidentHits(found).length) botAnswered++;
      if (hits[0] === answer) top1++;
      if (hits.includes(answer)) top3++;
      else misses.push(`  "${question}" -> expected ${answer}, got ${hits.join(', ') || 'nothing'}`);
    }
    const precisionAt1 = top1 / questions.length;
    const recallAt3 = top3 / questions.length;
    console.log(`${questions.length} questions, ${files.length} articles`);
    console.log(`precision@1 ${precisionAt1.toFixed(3)} (goal ${GOALS.precisionAt1})`);
    console.log(`recall@3    ${recallAt3.toFixed(3)} (goal ${GOALS.recallAt3})`);
    let wronglyAnswered = 0;
    for (const question of labelled.outOfScope) {
      const found = confidentHits(await articles.search(question, { first: 3 }));
      if (found.length) wronglyAnswered++;
      if (verbose) console.log(`${(found[0]?.score ?? 0).toFixed(3)} out of scope: ${question} -> ${found.map((hit) => slugs.get(hit.article.id)).join(', ') || 'no answer'}`);
    }
    console.log(`the bot answers ${botAnswered} of ${questions.length} answerable questions, and ${wronglyAnswered} of ${labelled.outOfScope.length} it should not`);
    if (misses.length) console.log(`not in the first three:\n${misses.join('\n')}`);
    if (precisionAt1 < GOALS.precisionAt1 || recallAt3 < GOALS.recallAt3) process.exitCode = 1;
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
