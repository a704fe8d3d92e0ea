// Node's module resolve hook (node:module register): a bare specifier not found from the importing file is looked up
// again as if imported from a file in the rds-echo install's node_modules directory.
let parentURL;

export function initialize(data) {
  parentURL = data.parentURL;
}

const BARE = /^(?![./]|[a-z][a-z0-9+.-]*:)/i;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!BARE.test(specifier) || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    return next(specifier, { ...context, parentURL });
  }
}
