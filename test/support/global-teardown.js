const { Client } = require('pg');
const { withDatabase, dropTestDatabases } = require('./global-setup');

module.exports = async function globalTeardown() {
  const admin = new Client({ connectionString: withDatabase(process.env.CHORUS_TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  await dropTestDatabases(admin);
  await admin.end();
};
