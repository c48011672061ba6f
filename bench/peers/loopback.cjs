// binds every listening server to 127.0.0.1 (mcp-hub has no host option)
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number') { return listen.call(this, args[0], '127.0.0.1', ...args.slice(1).filter(a => typeof a === 'function')); }
  if (args[0] && typeof args[0] === 'object' && !args[0].path) { args[0] = { ...args[0], host: '127.0.0.1' }; }
  return listen.apply(this, args);
};
