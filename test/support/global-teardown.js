const { Client } = require('pg');
const { withDatabase, dropDatabases } = require('./global-setup');

module.exports = async function globalTeardown() {
  const admin = new Client({ connectionString: withDatabase(process.env.CHORUS_TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  await dropDatabases(admin, (owner) => owner === process.env.CHORUS_TEST_RUN, { force: false });
  await admin.end();
};
