// deepstream's server lists uWebSockets.js, published only on GitHub; its default Node HTTP server
// needs none of it. This stub stands in so that npm can install the server from the registry.
throw new Error('uWebSockets.js is stubbed out: use the default Node HTTP server')
