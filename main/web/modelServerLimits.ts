// The model server's default limits, apart from the server itself so the CLI's help can name them
// without loading Fastify.
export const defaultMaxBodyBytes = 1024 * 1024;
export const defaultMaxBatch = 1000;
