import openapiTS, { astToString } from 'openapi-typescript';

/** The staff app's API types for an OpenAPI document, as `npm run app:api` writes them. */
export async function openApiTypes(spec: unknown): Promise<string> {
  const ast = await openapiTS(spec as Parameters<typeof openapiTS>[0]);
  return `// Generated from the engine's /openapi.json by \`npm run app:api\`; do not edit.\n/* eslint-disable */\n${astToString(ast)}`;
}
