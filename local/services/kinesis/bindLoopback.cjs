// Preloaded into kinesis-mock (`node --require`): it hard-codes 0.0.0.0 as its listen host and has no
// setting for it, so every listen on all interfaces is redirected to loopback.
const net = require('node:net');

const anyHost = new Set(['0.0.0.0', '::', undefined, null, '']);
const loopback = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && !Array.isArray(first) && first.path === undefined) {
    if (anyHost.has(first.host)) args[0] = { ...first, host: loopback };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string' || anyHost.has(args[1])) {
      args.splice(1, typeof args[1] === 'string' ? 1 : 0, loopback);
    }
  }
  return originalListen.apply(this, args);
};
