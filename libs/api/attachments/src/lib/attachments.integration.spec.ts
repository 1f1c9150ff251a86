import { attachmentSuite } from './attachments.suite';

describe('attachments kept in PostgreSQL (the default store)', () => {
  attachmentSuite({
    store: 'postgres',
    holds: async (api, key) => (await api.server.dataSource.query('SELECT 1 FROM attachment_blobs WHERE key = $1', [key])).length === 1,
  });
});
