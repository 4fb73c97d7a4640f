// Shared Jest settings: @swc/jest with decorator metadata (Nest DI needs it), and Nest's ESM compiled to CJS.
const path = require('node:path');

const root = __dirname;

module.exports = {
  rootDir: root,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true, tsx: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
          keepClassNames: true,
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Packages that ship only ESM, compiled to CommonJS for Jest on Node 20 (the Markdown parser: mdast, micromark...).
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm|@nestjs|@sindresorhus|content-disposition|mdast-util-[^/]+|micromark[^/]*|unist-util-[^/]+|decode-named-character-reference|character-entities|devlop)/)',
  ],
  moduleNameMapper: {
    '^@chorus/(tasks|consensus|db|client|jobs|runtime)$': path.join(root, 'packages/$1/src'),
  },
};
